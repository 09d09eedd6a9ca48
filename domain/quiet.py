"""Fields added to a recorded model after events were first recorded with it leave the
recorded form while they hold their default, so that an event built today for the same fact
has the same form — and hash — as before (the ledger's idempotency compares content), and
a payload recorded before the field existed reads back unchanged."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, SerializerFunctionWrapHandler, model_serializer


class Quiet(BaseModel):
    """A model whose ``QUIET`` fields are left out of its dumped form while empty."""

    QUIET: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _quiet_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        dumped = handler(self)
        if isinstance(dumped, dict):
            for name in self.QUIET:
                if name in dumped and dumped[name] in (None, (), []):
                    del dumped[name]
        return dumped
