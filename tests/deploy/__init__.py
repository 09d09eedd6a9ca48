"""The production topology: docker-compose.yml, the Dockerfile and requirements.lock, checked
without Docker (no engine and no network needed)."""
