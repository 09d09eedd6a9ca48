"""Every knob of the engine, in one pydantic-settings model (prefix ``INTERSESSIONAL_``).

The embedded default keeps everything under one data directory: the SQLite ledger, the
checkpoint signing key (which must live outside the database it vouches for) and the embedded
Temporal server's own SQLite file. Production sets the Temporal cluster, its TLS files (or an
API key), the PostgreSQL ledger and the signing key (see README, *Production*; the table there
is generated from this model by ``scripts/settings_table.py``).

:func:`load` is how a process starts: a wrong setting — a value of the wrong kind, a missing
TLS file — is one sentence naming it (:class:`SettingsError`), never a trace. A name with the
prefix that is no setting (:func:`unknown_variables`) stops nothing: the CLI warns of it, naming
the setting meant (:func:`nearest`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PREFIX = "INTERSESSIONAL_"
#: addresses an API bound to every interface listens on, that no link can lead to
_EVERY_INTERFACE = frozenset({"0.0.0.0", "::", ""})
#: variables with the prefix that are not settings of a deployment: a person's token for the
#: CLI (``--token``); which SQLite verify's workers read with (``ledger.readers``, read there
#: so that spawned workers see it)
OTHER_VARIABLES = frozenset({"INTERSESSIONAL_TOKEN", "INTERSESSIONAL_VERIFY_READER"})
#: and the test suite's switches and places (``INTERSESSIONAL_REQUIRE_CHROMIUM``,
#: ``INTERSESSIONAL_TEST_POSTGRES_URL``, …; tests/backends.py, tests/browser.py, .ci/run)
OTHER_PREFIXES = ("INTERSESSIONAL_REQUIRE_", "INTERSESSIONAL_TEST_")


def _default_data_dir() -> Path:
    return Path.home() / ".intersessional"


class SettingsError(ValueError):
    """A setting that cannot be used, said in one sentence that names it."""


#: the attestation key's file name beside the signing key, unless set
ATTESTATION_KEY = "attestation-signing-key.pem"
#: the shipped sign-in rates, by address and by person (the `limits` library's notation)
SIGNIN_LIMITS = ("10/minute", "30/hour")
#: a United Nations document symbol: capital letters and digits, parts separated by '/'
#: (``CCM/CONF/2025/WP.1``, ``CCM/MSP/2019/5``); the audit report checks ``--symbol`` with it
REPORT_SYMBOL = r"[A-Z][A-Z0-9]*(/[A-Z0-9][A-Za-z0-9.\-]*)+"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    # where things are kept
    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="where the embedded ledger and the signing key live")
    ledger_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the ledger, e.g. "
        "`postgresql+psycopg://user:password@host/ledger`; default: SQLite in the data directory")
    signing_key: Path | None = Field(
        default=None, description="Ed25519 key (PKCS#8 PEM) that signs checkpoints, shared by "
        "every worker; default: created in the data directory. When set, `intersessional "
        "worker` needs it to exist (`intersessional db keygen` makes one)")
    attestation_key: Path | None = Field(
        default=None, description="Ed25519 key (PKCS#8 PEM) with which the API and the CLI "
        "attest each person's step (docs/SECURITY.md); its public keys are kept in "
        "`<key>.keyring.json` beside it, which the workers and the audit read; default: "
        "`attestation-signing-key.pem` beside the signing key")
    # the document store (``documents``): attachments, kept by their SHA-256
    documents_dir: Path | None = Field(
        default=None, description="where the document store keeps documents on the "
        "filesystem; default: `documents` in the data directory")
    document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024, description="the largest "
        "document the store takes, in bytes (default 20 MiB)")
    documents_s3_bucket: str | None = Field(
        default=None, description="an S3-compatible bucket (existing) to keep documents in "
        "instead of the directory; credentials the standard AWS way (`AWS_ACCESS_KEY_ID`, "
        "`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, an instance role)")
    documents_s3_endpoint_url: str | None = Field(
        default=None, description="the S3-compatible server's URL (MinIO, Ceph…); default: "
        "AWS's")
    documents_s3_region: str | None = Field(
        default=None, description="the bucket's region; default: the AWS configuration's")
    # Temporal
    temporal_address: str = Field(
        default="127.0.0.1:7233", description="host:port of the Temporal frontend; for the "
        "embedded server (`dev`) a loopback address only, 127.0.0.1 or localhost")
    temporal_namespace: str = Field(default="default", description="the Temporal namespace")
    temporal_tls: bool = Field(default=False, description="connect to Temporal over TLS "
                               "(implied by any of the files below)")
    temporal_tls_ca: FilePath | None = Field(
        default=None, description="PEM of the CA that signed Temporal's server certificate; "
        "default: the system's roots")
    temporal_tls_cert: FilePath | None = Field(
        default=None, description="PEM client certificate for mutual TLS (with the key)")
    temporal_tls_key: FilePath | None = Field(
        default=None, description="PEM private key of the client certificate")
    temporal_tls_server_name: str | None = Field(
        default=None, description="the name Temporal's certificate must carry, if not the "
        "address's host")
    temporal_api_key_file: FilePath | None = Field(
        default=None, description="a file holding an API key of Temporal Cloud (or of a "
        "cluster that authorizes by API key), sent over TLS instead of a client certificate")
    task_queue: str = Field(default="intersessional", min_length=1,
                            description="the task queue the workers poll")
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535,
                                  description="the embedded server's web UI port (`dev`)")
    temporal_sqlite_synchronous: Literal["full", "extra", "normal"] = Field(
        default="full", description="SQLite's `synchronous` for the embedded server's own "
        "database (`dev`, WAL): `full` loses no acknowledged commit in a power cut, as the "
        "ledger; `normal` is faster and may lose Temporal's last commits (docs/OPERATIONS.md)")
    activity_threads: int = Field(default=16, ge=1, le=512,
                                  description="threads running the (synchronous) activities")
    # HTTP
    api_host: str = Field(default="127.0.0.1",
                          description="where `intersessional api` (and `dev`) serve HTTP")
    api_port: int = Field(default=8000, ge=0, le=65535,
                          description="the port of the HTTP API and dashboard")
    trusted_proxies: str = Field(
        default="127.0.0.1", description="comma-separated addresses (or `*`) of the reverse "
        "proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` the API believes: a request "
        "they forwarded over https gets a `Secure` session cookie, and sign-ins are counted "
        "per the address they name")
    language: Literal["ar", "zh", "en", "fr", "ru", "es"] = Field(
        default="en", description="the language of the CLI's messages and refusals, one of "
        "the UN's six (`--lang` chooses for one command); the dashboard follows each person's "
        "setting or their browser")
    session_hours: int = Field(default=8, ge=1, le=24 * 7,
                               description="hours a dashboard session lasts after signing in")
    signin_limit_address: str = Field(
        default=SIGNIN_LIMITS[0], description="sign-ins one address may try, e.g. `10/minute` "
        "(the `limits` library's notation); more are answered 429")
    signin_limit_person: str = Field(
        default=SIGNIN_LIMITS[1], description="sign-ins one person's token may make (likewise)")
    worker_health_host: str = Field(default="127.0.0.1", description="where `intersessional "
                                    "worker` answers GET /health")
    worker_health_port: int = Field(default=8001, ge=0, le=65535,
                                    description="its port; 0: no health endpoint")
    worker_metrics_host: str = Field(default="127.0.0.1", description="where `intersessional "
                                     "worker` serves its Prometheus metrics (GET /metrics: "
                                     "Temporal SDK's and the events it records)")
    worker_metrics_port: int = Field(default=9464, ge=0, le=65535, description="its port; 0: "
                                     "no metrics endpoint; `intersessional dev` serves one only "
                                     "when this is set")
    # observability
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="the least severe log line written")
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="`json`: one JSON object per line; `console`: coloured "
        "text for a person; `auto`: `console` when stderr is a terminal, else `json`")
    otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint, e.g. "
        "`http://collector:4318/v1/traces`; set, workflows and activities are traced")
    # the calendar of a cycle opened without one (a cycle opened by the previous year's close
    # keeps the previous calendar's)
    committee_weeks: int = Field(default=6, ge=1, le=26, description="weeks before the "
                                 "closing MSP by which the committee approves the work plan, "
                                 "in a cycle opened without a calendar (the cycle a year's "
                                 "close opens keeps that year's)")
    reminder_days: int = Field(default=14, ge=1, le=90, description="days before a deadline "
                               "that its reminder goes out (likewise)")
    # the Convention profile (``domain.profile``) of a cycle opened without one: how terms
    # run, who sits on the committee and how it decides
    profile: str = Field(default="seeds", description="the Convention profile a cycle opened "
                         "without one runs by (`domain/data/profiles.json`): `seeds` (terms "
                         "from meeting to meeting, the committee decides with a majority "
                         "present), `ccm-practice`, or `engine-2026`, the engine's first reading")
    # notices by e-mail (issue 21); without a host, notices are kept pending and shown
    smtp_host: str | None = Field(
        default=None, description="the SMTP server notices are sent through; default: none, "
        "notices are kept pending (`intersessional notices`, the dashboard) and never lost")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="its port (587: "
                           "submission, with STARTTLS)")
    smtp_starttls: bool = Field(default=True, description="upgrade the connection with "
                                "STARTTLS before logging in and sending (the system's roots "
                                "check the server's certificate)")
    smtp_from: str | None = Field(default=None, description="the address notices are sent "
                                  "from, e.g. `isu@example.org`; needed with a host")
    smtp_user: str | None = Field(default=None, description="the user to log in as, if the "
                                  "server asks for one")
    smtp_password: SecretStr | None = Field(default=None, description="its password (or, "
                                            "better, the file below)")
    smtp_password_file: FilePath | None = Field(
        default=None, description="a file holding the password, e.g. a compose secret")
    public_url: str | None = Field(
        default=None, description="the API's address as people reach it, e.g. "
        "`https://ccm.example.org`, for the links notices and `users calendar-url` give; "
        "default: `http://<api host>:<api port>`, the machine's name for an API on 0.0.0.0 "
        "or ::")
    # the audit report as a United Nations document (docs/REPORT.md)
    report_symbol: str | None = Field(
        default=None, pattern=f"^{REPORT_SYMBOL}$", max_length=80,
        description="the document symbol `intersessional audit report` prints on every page, "
        "e.g. `CCM/CONF/2025/WP.1` (`--symbol` overrides it); default: a provisional "
        "`CCM/AUDIT/<first year>-<last year>`")

    @field_validator("ledger_url")
    @classmethod
    def _an_sqlalchemy_url(cls, url: str | None) -> str | None:
        from sqlalchemy.engine import make_url  # noqa: PLC0415 - only for a URL given
        from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

        try:
            if url is not None:
                make_url(url)
        except ArgumentError:
            raise ValueError("not an SQLAlchemy URL (dialect+driver://user:password@host/"
                             "database)") from None
        return url

    @field_validator("signin_limit_address", "signin_limit_person")
    @classmethod
    def _a_rate(cls, rate: str) -> str:
        if rate in SIGNIN_LIMITS:  # the defaults (validated too): no import of limits, ~40 ms
            return rate
        from limits import parse  # noqa: PLC0415 - only for a rate given

        try:
            parse(rate)
        except ValueError:
            raise ValueError("not a rate such as `10/minute` or `30 per hour`") from None
        return rate

    @field_validator("profile")
    @classmethod
    def _a_known_profile(cls, name: str) -> str:
        from domain.profile import profile  # noqa: PLC0415 - only for a profile given

        profile(name)  # a ValueError naming the known profiles
        return name

    @field_validator("smtp_from")
    @classmethod
    def _an_address(cls, address: str | None) -> str | None:
        if address is None:  # the default, validated too: no import of email_validator
            return None
        from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

        try:
            return validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValueError(f"not an e-mail address ({error})") from None

    @field_validator("otlp_endpoint", "documents_s3_endpoint_url", "public_url")
    @classmethod
    def _an_http_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("not an http:// or https:// URL")
        return url

    @model_validator(mode="after")
    def _client_certificate_whole(self) -> Settings:
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise ValueError(f"{variable('temporal_tls_cert')} and "
                             f"{variable('temporal_tls_key')} go together: mutual TLS needs "
                             "the certificate and its key")
        return self

    @model_validator(mode="after")
    def _smtp_whole(self) -> Settings:
        if self.smtp_host is not None and self.smtp_from is None:
            raise ValueError(f"{variable('smtp_host')} needs {variable('smtp_from')}: the "
                             "address notices are sent from")
        if self.smtp_password is not None and self.smtp_password_file is not None:
            raise ValueError(f"{variable('smtp_password')} and "
                             f"{variable('smtp_password_file')} are two ways of giving one "
                             "password: set one")
        return self

    @property
    def effective_smtp_password(self) -> str | None:
        """The SMTP password, from the setting or the first line of its file."""
        if self.smtp_password_file is not None:
            lines = self.smtp_password_file.read_text(encoding="utf-8").splitlines()
            return lines[0] if lines else ""
        return self.smtp_password.get_secret_value() if self.smtp_password else None

    @property
    def effective_public_url(self) -> str:
        """Where people reach the dashboard: ``public_url``, else the API's own address. An
        API bound to every interface (0.0.0.0, ::) is reached by the machine's name: a link to
        0.0.0.0 in a notice leads nowhere. An IPv6 address is bracketed, as URLs want it."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.api_host
        if host in _EVERY_INTERFACE:
            import socket  # noqa: PLC0415 - only where no public URL is set

            host = socket.gethostname()  # no DNS lookup: getfqdn could hang offline
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.api_port}"

    @property
    def effective_ledger_url(self) -> str:
        return self.ledger_url or f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"

    @property
    def shown_ledger_url(self) -> str:
        """The ledger's URL without its password, for logs and messages."""
        from sqlalchemy.engine import make_url  # noqa: PLC0415 - the CLI starts without it

        return make_url(self.effective_ledger_url).render_as_string(hide_password=True)

    @property
    def effective_documents_dir(self) -> Path:
        return self.documents_dir or self.data_dir / "documents"

    @property
    def temporal_database(self) -> Path:
        """The embedded Temporal server's SQLite file (``intersessional dev``)."""
        return self.data_dir / "temporal.sqlite3"

    @property
    def effective_signing_key(self) -> Path:
        return self.signing_key or self.data_dir / "checkpoint-signing-key.pem"

    @property
    def effective_attestation_key(self) -> Path:
        return self.attestation_key or self.effective_signing_key.with_name(ATTESTATION_KEY)

    @property
    def uses_tls(self) -> bool:
        return self.temporal_tls or any(f is not None for f in (
            self.temporal_tls_ca, self.temporal_tls_cert, self.temporal_tls_key,
            self.temporal_api_key_file))


def variable(field: str) -> str:
    """The environment variable of the setting ``field``."""
    return PREFIX + field.upper()


def _sentence(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        message = problem["msg"].removeprefix("Value error, ")
        if field in Settings.model_fields:
            hidden = field in ("ledger_url", "smtp_password")
            shown = "" if hidden else f" (got {problem['input']!r})"
            parts.append(f"{variable(field)}{shown}: {message}")
        else:
            parts.append(message)
    return "wrong setting: " + "; ".join(parts)


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """Names with the prefix that are neither a setting nor one of :data:`OTHER_VARIABLES`
    or :data:`OTHER_PREFIXES`: a misspelt setting, most likely, which pydantic ignores."""
    known = {variable(f) for f in Settings.model_fields} | OTHER_VARIABLES
    return sorted(n for n in environ if n.upper().startswith(PREFIX) and n.upper() not in known
                  and not n.upper().startswith(OTHER_PREFIXES))


def nearest(name: str) -> str | None:
    """The setting's variable closest to ``name`` (difflib), if one is close enough; compared
    without the prefix, which every name shares and which would make any two look alike."""
    known = [f.upper() for f in Settings.model_fields]
    near = difflib.get_close_matches(name.upper().removeprefix(PREFIX), known, n=1)
    return PREFIX + near[0] if near else None


class _Given(Settings):
    """The settings of a given mapping only, not of this process's environment."""

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings of the environment (``environ``, default ``os.environ``) with
    ``overrides``; :class:`SettingsError` for a wrong value. A name that is no setting is
    ignored here (:func:`unknown_variables`: the CLI warns of it)."""
    try:
        if environ is None:
            return Settings(**overrides)
        given = {f: environ[variable(f)] for f in Settings.model_fields
                 if variable(f) in environ}
        return _Given(**{**given, **overrides})
    except ValidationError as error:
        raise SettingsError(_sentence(error)) from None
