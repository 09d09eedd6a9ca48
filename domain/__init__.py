"""The Convention's intersessional rules as a pure domain.

Everything here answers two questions for the rest of the engine: *may this person do this now,
with this data?* and *what is the state after these events?*  It imports only the standard library,
pydantic and itself, and never reads the clock: every date or time it reasons about is handed in.
"""
