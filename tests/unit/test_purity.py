"""domain/ is pure: it imports only the standard library, pydantic and itself, and never reads
the clock or draws randomness."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED_THIRD_PARTY = {"pydantic"}
FORBIDDEN_MODULES = {"time", "random", "secrets", "uuid", "socket", "subprocess", "threading"}
CLOCK_CALLS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter", "time_ns"}


def _imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _sources() -> list[Path]:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) >= 10, "the domain package was not found where the test looks"
    return files


def test_domain_imports_only_stdlib_pydantic_and_itself() -> None:
    """domain/ imports nothing beyond the standard library, pydantic and itself."""
    for path in _sources():
        for module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            allowed = (module in sys.stdlib_module_names or module in ALLOWED_THIRD_PARTY
                       or module == "domain")
            assert allowed, f"{path.name} imports {module}"
            assert module not in FORBIDDEN_MODULES, f"{path.name} imports {module}"


def test_domain_never_reads_the_clock() -> None:
    """No call in domain/ reads the wall clock (now, today, utcnow, time.time …)."""
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                where = f"{path.name}:{node.lineno}"
                assert node.func.attr not in CLOCK_CALLS, f"{where} reads the clock"


def test_importing_domain_loads_no_infrastructure() -> None:
    """Importing every domain module pulls in no Temporal, SQLAlchemy, rich or typer."""
    modules = ", ".join(f"domain.{p.stem}" for p in _sources() if p.stem != "__init__")
    code = (f"import sys, {modules}\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    assert "domain" in loaded
    assert not loaded & {"temporalio", "sqlalchemy", "rich", "typer", "structlog", "cli"}
