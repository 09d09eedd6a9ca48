"""The settings model: every knob in one place, a wrong one refused in one sentence that names
it, and the README's table kept to the model."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import settings
from runtime.temporal import api_key, tls_config
from settings import Settings, SettingsError, load, variable

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    """A script of scripts/ as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


settings_table = _script("settings_table")


def refusal(environ: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as refused:
        load(environ)
    sentence = str(refused.value)
    assert "\n" not in sentence
    assert sentence.startswith("wrong setting: ")
    return sentence


@pytest.mark.parametrize(("name", "value", "says"), [
    ("INTERSESSIONAL_API_PORT", "70000", "less than or equal to 65535"),
    ("INTERSESSIONAL_WORKER_HEALTH_PORT", "health", "valid integer"),
    ("INTERSESSIONAL_ACTIVITY_THREADS", "0", "greater than or equal to 1"),
    ("INTERSESSIONAL_LOG_LEVEL", "loud", "'debug', 'info', 'warning' or 'error'"),
    ("INTERSESSIONAL_LOG_FORMAT", "xml", "'auto', 'json' or 'console'"),
    ("INTERSESSIONAL_OTLP_ENDPOINT", "collector:4318", "not an http:// or https:// URL"),
    ("INTERSESSIONAL_LEDGER_URL", "::not a url::", "not an SQLAlchemy URL"),
    ("INTERSESSIONAL_TEMPORAL_TLS_CA", "/no/such/ca.pem", "does not point to a file"),
    ("INTERSESSIONAL_TEMPORAL_API_KEY_FILE", "/no/such/key", "does not point to a file"),
    ("INTERSESSIONAL_COMMITTEE_WEEKS", "52", "less than or equal to 26"),
    ("INTERSESSIONAL_TEMPORAL_TLS", "perhaps", "valid boolean"),
    # SQLite would read a misspelt value as NORMAL without a word
    ("INTERSESSIONAL_TEMPORAL_SQLITE_SYNCHRONOUS", "ful", "'full', 'extra' or 'normal'"),
    ("INTERSESSIONAL_PROFILE", "practice", "no Convention profile called 'practice'"),
])
def test_a_wrong_value_is_one_sentence_naming_its_variable(name: str, value: str,
                                                            says: str) -> None:
    sentence = refusal({name: value})
    assert name in sentence
    assert says in sentence


def test_temporals_embedded_sqlite_loses_no_acknowledged_commit_by_default() -> None:
    assert load({}).temporal_sqlite_synchronous == "full"


def test_cycles_run_by_the_seeds_unless_another_profile_is_set() -> None:
    assert load({}).profile == "seeds"
    assert load({"INTERSESSIONAL_PROFILE": "engine-2026"}).profile == "engine-2026"


def test_the_ledger_url_is_never_repeated_in_a_refusal() -> None:
    """It may hold the database's password."""
    sentence = refusal({"INTERSESSIONAL_LEDGER_URL": "postgresql://u:s3cret@::bad"})
    assert "s3cret" not in sentence


def test_a_misspelt_name_stops_nothing_and_is_found_with_the_name_meant() -> None:
    environ = {"INTERSESSIONAL_TEMPORAL_ADRESS": "temporal:7233"}
    assert load(environ).temporal_address == "127.0.0.1:7233"  # ignored, as pydantic does
    assert settings.unknown_variables(environ) == ["INTERSESSIONAL_TEMPORAL_ADRESS"]
    assert settings.nearest("INTERSESSIONAL_TEMPORAL_ADRESS") == \
        "INTERSESSIONAL_TEMPORAL_ADDRESS"
    assert settings.nearest("INTERSESSIONAL_API_PROT") == "INTERSESSIONAL_API_PORT"
    # the shared prefix does not make any name look like a setting
    assert settings.nearest("INTERSESSIONAL_FOO") is None


def test_the_token_and_the_test_switches_are_not_settings_but_allowed() -> None:
    environ = {"INTERSESSIONAL_TOKEN": "isx_x", "INTERSESSIONAL_REQUIRE_POSTGRES": "1",
               "INTERSESSIONAL_REQUIRE_CHROMIUM": "1", "INTERSESSIONAL_TEST_POSTGRES_URL": "x",
               "intersessional_data_dir": "/tmp/d"}  # pydantic reads names in any case
    assert load(environ).task_queue == "intersessional"
    assert settings.unknown_variables(environ) == []


#: where the code reads an ``INTERSESSIONAL_*`` variable by name; where a shell script sets one
_READ = re.compile(r"""(?:environ(?:\.get)?\(|environ\[|envvar=|getenv\()\s*"""
                   r"""["'](INTERSESSIONAL_\w+)""")
_SET = re.compile(r"^\s*(?:export\s+)?(INTERSESSIONAL_\w+)=", re.MULTILINE)


def test_every_variable_the_code_reads_is_a_setting_or_allowed() -> None:
    """The names read outside the settings model (the token, the test suite's switches…),
    found in the code, and set by CI and the Makefile: none would be warned of."""
    read: set[str] = set()
    for path in ROOT.glob("**/*.py"):
        if ".venv" not in path.parts:
            read |= set(_READ.findall(path.read_text(encoding="utf-8", errors="replace")))
    for script in (ROOT / ".ci" / "run", ROOT / "Makefile"):
        read |= set(_SET.findall(script.read_text(encoding="utf-8")))
    assert {"INTERSESSIONAL_TOKEN", "INTERSESSIONAL_REQUIRE_CHROMIUM",
            "INTERSESSIONAL_TEST_POSTGRES_URL", "INTERSESSIONAL_LANGUAGE"} <= read
    assert settings.unknown_variables(dict.fromkeys(read, "")) == []


def test_a_client_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    sentence = refusal({"INTERSESSIONAL_TEMPORAL_TLS_CERT": str(cert)})
    assert "INTERSESSIONAL_TEMPORAL_TLS_CERT and INTERSESSIONAL_TEMPORAL_TLS_KEY go together" \
        in sentence


@pytest.mark.parametrize("name", ["TLS_CERT", "TLS_KEY"])
def test_a_missing_half_of_the_client_certificate_is_named(tmp_path: Path, name: str) -> None:
    present = tmp_path / "present.pem"
    present.write_text("PEM")
    env = {"INTERSESSIONAL_TEMPORAL_TLS_CERT": str(present),
           "INTERSESSIONAL_TEMPORAL_TLS_KEY": str(present),
           f"INTERSESSIONAL_TEMPORAL_{name}": str(tmp_path / "gone.pem")}
    sentence = refusal(env)
    assert sentence.startswith(f"wrong setting: INTERSESSIONAL_TEMPORAL_{name} (got "
                               f"'{tmp_path / 'gone.pem'}'): Path does not point to a file")


def test_an_api_key_is_sent_over_tls(tmp_path: Path) -> None:
    key = tmp_path / "temporal-api-key"
    key.write_text("  the-key\n")
    given = load({"INTERSESSIONAL_TEMPORAL_API_KEY_FILE": str(key)})
    assert given.uses_tls
    assert api_key(given) == "the-key"
    assert tls_config(given) is not False
    assert api_key(load({})) is None
    assert tls_config(load({})) is False


def test_a_production_environment_loads_and_hides_the_password(tmp_path: Path) -> None:
    ca, cert, key = (tmp_path / n for n in ("ca.pem", "client.pem", "client.key"))
    for path in (ca, cert, key):
        path.write_text("PEM")
    given = load({
        "INTERSESSIONAL_TEMPORAL_ADDRESS": "temporal.example.org:7233",
        "INTERSESSIONAL_TEMPORAL_NAMESPACE": "ccm",
        "INTERSESSIONAL_TEMPORAL_TLS_CA": str(ca), "INTERSESSIONAL_TEMPORAL_TLS_CERT": str(cert),
        "INTERSESSIONAL_TEMPORAL_TLS_KEY": str(key),
        "INTERSESSIONAL_LEDGER_URL": "postgresql+psycopg://ledger:s3cret@db:5432/ledger",
        "INTERSESSIONAL_LOG_FORMAT": "console", "INTERSESSIONAL_COMMITTEE_WEEKS": "8",
    })
    assert given.uses_tls
    assert given.temporal_tls_key == key
    assert given.committee_weeks == 8
    assert "s3cret" not in given.shown_ledger_url
    assert given.shown_ledger_url == "postgresql+psycopg://ledger:***@db:5432/ledger"


def test_a_given_mapping_is_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """``load(environ)`` judges that mapping, not this process's environment."""
    monkeypatch.setenv("INTERSESSIONAL_TASK_QUEUE", "from-the-process")
    assert load({}).task_queue == "intersessional"
    assert load().task_queue == "from-the-process"


def test_every_setting_is_documented_and_named_by_its_variable() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert variable(name) == f"INTERSESSIONAL_{name.upper()}"


def test_the_readme_table_is_the_models() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table.with_table(readme) == readme, (
        "README.md's settings table is stale: python scripts/settings_table.py --write")
    for name in Settings.model_fields:
        assert f"`{variable(name)}`" in readme


def test_the_table_check_fails_on_a_stale_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("`INTERSESSIONAL_TASK_QUEUE`", "`INTERSESSIONAL_QUEUE`")
    assert settings_table.with_table(stale) != stale
    assert settings.OTHER_VARIABLES.isdisjoint(variable(n) for n in Settings.model_fields)


def test_a_wrong_setting_stops_the_cli_before_any_command(tmp_path: Path) -> None:
    """Exit 2, one line on stderr, nothing created in the data directory."""
    data = tmp_path / "data"
    run = subprocess.run(
        [str(Path(sys.executable).parent / "intersessional"), "db", "upgrade"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
             "INTERSESSIONAL_DATA_DIR": str(data), "INTERSESSIONAL_API_PORT": "http"},
        capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "wrong setting: INTERSESSIONAL_API_PORT (got 'http'): Input should be a valid integer,"
        " unable to parse string as an integer"]
    assert not data.exists()


def _cli(tmp_path: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "intersessional"), *args],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
             "INTERSESSIONAL_DATA_DIR": str(tmp_path / "data"), **environ},
        capture_output=True, text=True, timeout=60, check=False)


def test_a_name_that_is_no_setting_is_a_warning_naming_the_setting_meant(
        tmp_path: Path) -> None:
    """The command runs (the ledger is migrated), warned in the chosen language; the token
    and the test switches are not warned of."""
    run = _cli(tmp_path, "db", "upgrade", INTERSESSIONAL_API_PROT="8080",
               INTERSESSIONAL_FOO="1", INTERSESSIONAL_TOKEN="isx_x",
               INTERSESSIONAL_REQUIRE_POSTGRES="1", INTERSESSIONAL_TEST_POSTGRES_URL="x")
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[:2] == [
        "warning: INTERSESSIONAL_API_PROT is not a setting; did you mean "
        "INTERSESSIONAL_API_PORT?",
        "warning: INTERSESSIONAL_FOO is not a setting of intersessional; it is ignored."]
    assert "TOKEN" not in run.stderr
    assert "REQUIRE" not in run.stderr
    assert "TEST_" not in run.stderr
    assert (tmp_path / "data" / "ledger.sqlite3").exists()
    french = _cli(tmp_path, "--lang", "fr", "db", "upgrade", INTERSESSIONAL_API_PROT="8080")
    assert french.returncode == 0, french.stderr
    assert "INTERSESSIONAL_API_PROT" in french.stderr
    assert "did you mean" not in french.stderr


def test_help_answers_whatever_the_environment(tmp_path: Path) -> None:
    """Neither a name that is no setting nor a wrong value stops --help (exit 0, the help on
    stdout); the wrong value still stops the command itself (exit 2)."""
    for environ in ({"INTERSESSIONAL_API_PROT": "8080"}, {"INTERSESSIONAL_API_PORT": "http"}):
        for args in (("--help",), ("db", "--help"), ("db", "upgrade", "--help"),
                     ("dev", "--help")):
            run = _cli(tmp_path, *args, **environ)
            assert run.returncode == 0, (args, environ, run.stderr)
            assert "Usage: intersessional" in run.stdout
    assert _cli(tmp_path, "db", "upgrade", INTERSESSIONAL_API_PORT="http").returncode == 2
    assert not (tmp_path / "data").exists()
