"""The HTTP API (FastAPI, OpenAPI at ``/openapi.json``) and the server-rendered dashboard over
a running engine: :func:`api.app.create_app`; :mod:`api.serve` runs it with uvicorn."""
