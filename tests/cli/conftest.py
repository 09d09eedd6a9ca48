"""The engine the exit codes are checked against: ``intersessional dev`` as tests/e2e starts
it, each test's or the module's own."""

from tests.e2e.conftest import dev, shared_dev

__all__ = ["dev", "shared_dev"]
