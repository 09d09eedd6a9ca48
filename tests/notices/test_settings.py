"""The mail server's settings: none by default (notices are kept pending); a host needs the
address notices come from; a wrong one is one sentence naming it, never the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.mail import Mailer
from settings import SettingsError, load

HOST = {"INTERSESSIONAL_SMTP_HOST": "mail.example.org"}


def test_by_default_no_server_is_set() -> None:
    settings = load({})
    assert settings.smtp_host is None
    assert not Mailer.of(settings).configured
    assert settings.effective_public_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(("environ", "says"), [
    (HOST, "INTERSESSIONAL_SMTP_HOST needs INTERSESSIONAL_SMTP_FROM"),
    ({**HOST, "INTERSESSIONAL_SMTP_FROM": "isu@"}, "INTERSESSIONAL_SMTP_FROM (got 'isu@'): "
     "not an e-mail address"),
    ({**HOST, "INTERSESSIONAL_SMTP_PORT": "smtp"}, "INTERSESSIONAL_SMTP_PORT (got 'smtp')"),
    ({"INTERSESSIONAL_SMTP_PASSWORD": "hunter2", "INTERSESSIONAL_SMTP_PASSWORD_FILE": "/x"},
     "INTERSESSIONAL_SMTP_PASSWORD_FILE (got '/x')"),
    ({"INTERSESSIONAL_PUBLIC_URL": "ccm.example.org"}, "INTERSESSIONAL_PUBLIC_URL (got "
     "'ccm.example.org'): not an http:// or https:// URL"),
])
def test_a_wrong_setting_is_one_sentence_naming_it(environ: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError) as wrong:
        load(environ)
    assert says in str(wrong.value)
    assert "\n" not in str(wrong.value)
    assert "hunter2" not in str(wrong.value)


def test_the_password_comes_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("correct horse\n", encoding="utf-8")
    settings = load({**HOST, "INTERSESSIONAL_SMTP_FROM": "isu@ccm.example.org",
                     "INTERSESSIONAL_SMTP_USER": "isu",
                     "INTERSESSIONAL_SMTP_PASSWORD_FILE": str(secret),
                     "INTERSESSIONAL_PUBLIC_URL": "https://ccm.example.org/"})
    mailer = Mailer.of(settings)
    assert (mailer.configured, mailer.user, mailer.password) == (True, "isu", "correct horse")
    assert (mailer.port, mailer.starttls, mailer.domain) == (587, True, "ccm.example.org")
    assert settings.effective_public_url == "https://ccm.example.org"
    with pytest.raises(SettingsError) as both:
        load({"INTERSESSIONAL_SMTP_PASSWORD": "hunter2",
              "INTERSESSIONAL_SMTP_PASSWORD_FILE": str(secret)})
    assert "are two ways of giving one password: set one" in str(both.value)
    assert "hunter2" not in str(both.value)


@pytest.mark.parametrize(("host", "shown"), [
    ("0.0.0.0", None), ("::", None), ("::1", "http://[::1]:8000"),
    ("ccm.example.org", "http://ccm.example.org:8000")])
def test_links_lead_somewhere_without_a_public_url(host: str, shown: str | None) -> None:
    import socket  # noqa: PLC0415

    settings = load({"INTERSESSIONAL_API_HOST": host})
    assert settings.effective_public_url == (shown or f"http://{socket.gethostname()}:8000")
    assert "0.0.0.0" not in settings.effective_public_url
