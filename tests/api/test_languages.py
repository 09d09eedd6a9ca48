"""The UN's six languages on a real API server over a real ``intersessional dev``, and in
headless Chromium (Debian's, through playwright): the switcher turns the dashboard Arabic and
right to left, then French; a browser asking for Spanish gets Spanish without a cookie; an
unknown ``?lang=`` is one sentence, 400, nothing recorded, and the next valid request works.
A refusal over the API comes in the request's language — or the person's own setting — with
its rule's paragraph in the seeds' Chinese beside its translation. The CLI takes ``--lang``.

A screenshot of the Arabic page is kept in ``test-artifacts/dashboard-ar.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from api.language import negotiated
from identities import InvalidPerson, People
from ledger import create_ledger_engine
from scenarios.scripted import first_presidency
from tests.api.conftest import ROOT, YEAR, Api
from tests.browser import ARTIFACTS, headless

SCREENSHOT = ARTIFACTS / "dashboard-ar.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as chromium:
        yield chromium


def test_the_switcher_turns_the_dashboard_arabic_right_to_left_then_french(
        browser: Browser, api: Api) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(f"{api.url}/dashboard/coalitions")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Country coalitions")

    page.locator("#languages a[lang=ar]").click()
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("التحالفات القطرية")
    expect(page.get_by_role("button", name="تسجيل الدخول")).to_be_visible()
    # the header's person box sits at the start of an RTL line: the left, not the right
    box = page.locator("header .who").bounding_box()
    home = page.locator("header .home").bounding_box()
    assert box is not None
    assert home is not None
    assert box["x"] < home["x"]
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.goto(f"{api.url}/dashboard/silence")  # the choice is kept (the `lang` cookie)
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("إجراءات الموافقة الضمنية")

    page.locator("#languages a[lang=fr]").click()
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Procédures d’approbation tacite")
    expect(page.locator("nav#nav")).to_contain_text("Coalitions de pays")
    context.close()


def test_a_browser_asking_for_spanish_gets_spanish_without_a_cookie(browser: Browser, api: Api
                                                                    ) -> None:
    context = browser.new_context(locale="es-ES")  # Chromium sends Accept-Language: es-ES
    page = context.new_page()
    page.goto(f"{api.url}/dashboard/coalitions")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Coaliciones de país")
    expect(page.locator("#languages strong[lang=es]")).to_have_text("Español")
    assert not [c for c in context.cookies() if c["name"] == "lang"]
    context.close()


def test_an_unknown_language_is_one_sentence_and_nothing_else(api: Api) -> None:
    before = api.head()
    with httpx.Client(base_url=api.url) as http:
        answer = http.get("/dashboard/coalitions", params={"lang": "xx"})
        assert answer.status_code == 400
        assert answer.headers["content-type"] == "application/problem+json"
        assert "set-cookie" not in answer.headers
        assert answer.json()["detail"] == (
            "unknown language 'xx': choose one of ar, zh, en, fr, ru, es (the six languages of "
            "the United Nations).")
        assert not http.cookies.get("lang")
        # said in the language the browser asks for
        french = http.get("/dashboard", params={"lang": "xx"},
                          headers={"Accept-Language": "fr"})
        assert french.status_code == 400
        assert french.json()["detail"].startswith("langue inconnue 'xx'")
        # the next valid request works, and keeps the choice
        chosen = http.get("/dashboard/coalitions", params={"lang": "ru"})
        assert chosen.status_code == 200
        assert chosen.headers["content-language"] == "ru"
        assert http.cookies.get("lang") == "ru"
        assert "Страновые коалиции" in http.get("/dashboard/coalitions").text
    assert api.head() == before


def test_accept_language_is_negotiated_by_quality() -> None:
    assert negotiated("fr;q=0.5, ru") == "ru"
    assert negotiated("de-CH, zh-CN;q=0.8, en;q=0.1") == "zh"
    assert negotiated("de, it") is None
    assert negotiated("ar-EG") == "ar"
    assert negotiated(None) is None


def _refusal(api: Api, who: str, **request: object) -> dict[str, object]:
    """``who`` (an auditor, whose role takes no step) adopts a work plan: refused (403,
    ISU-3), nothing recorded."""
    before = api.head()
    with api.client(who) as http:
        answer = http.post(f"/cycles/{YEAR}/adopt_workplan",
                           json={"content_hash": "0" * 64}, **request)  # type: ignore[arg-type]
    assert answer.status_code == 403, answer.text
    assert api.head() == before
    problem: dict[str, object] = answer.json()
    return problem


def test_a_refusal_comes_in_the_request_language_with_its_paragraph(api: Api) -> None:
    english = _refusal(api, "auditor")
    french = _refusal(api, "auditor", headers={"Accept-Language": "fr-FR"})
    assert english["rule_id"] == french["rule_id"]
    assert english["detail"] != french["detail"]
    assert str(french["detail"]).startswith(f"{french['rule_id']} (")
    assert french["template"] == english["template"]
    quoted = french["source_text"]
    assert isinstance(quoted, dict)
    assert set(quoted) == {"zh", "fr"}
    assert "经协调委员会核准的工作计划和预算" in quoted["zh"]  # 2MSP P4.4(h), the seeds' text
    assert "Comité de coordination" in quoted["fr"]
    english_quote = english["source_text"]
    assert isinstance(english_quote, dict)
    assert set(english_quote) == {"zh", "en"}
    # the next valid step works, in French too: the ISU opens the cycle
    before = api.head()
    with api.client("isu") as http:
        opened = http.post("/cycles", headers={"Accept-Language": "fr"}, json={
            "year": YEAR, "carried_presidencies": [first_presidency(YEAR).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    assert api.head() > before


def test_a_person_s_own_language_and_a_browser_s_choice(api: Api) -> None:
    engine = create_ledger_engine(api.dev.settings.effective_ledger_url)
    try:
        people = People(engine)
        person = api.people["auditor"]
        with pytest.raises(InvalidPerson, match="unknown language 'klingon'"):
            people.set_language(person.id, "klingon")
        assert people.get(person.id).language is None  # nothing written
        assert people.set_language(person.id, "ru").language == "ru"
        try:
            russian = _refusal(api, "auditor")
            chosen = _refusal(api, "auditor", params={"lang": "es"})
        finally:
            people.set_language(person.id, None)
    finally:
        engine.dispose()
    english = _refusal(api, "auditor")
    assert russian["detail"] != english["detail"]
    assert isinstance(russian["source_text"], dict)
    assert set(russian["source_text"]) == {"zh", "ru"}
    assert isinstance(chosen["source_text"], dict)
    assert set(chosen["source_text"]) == {"zh", "es"}  # ?lang= is this request's choice


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**environ, **env}, timeout=120, check=False)


def test_the_cli_takes_one_of_the_six_languages() -> None:
    # (refusals in the CLI's language: tests/identities/test_step_commands.py)
    wrong = _cli("--lang", "xx", "mandates")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == ("unknown language 'xx': choose one of ar, zh, en, fr, ru, "
                                    "es (the six languages of the United Nations).")
    assert wrong.stdout == ""
    unset = _cli("mandates", INTERSESSIONAL_LANGUAGE="klingon")
    assert unset.returncode == 2
    assert "unknown language 'klingon'" in unset.stderr
    # a command that reads the settings names the setting
    setting = _cli("pending", "--year", "2027", INTERSESSIONAL_LANGUAGE="klingon")
    assert setting.returncode == 2
    assert "INTERSESSIONAL_LANGUAGE" in setting.stderr
    assert _cli("--lang", "fr", "mandates").returncode == 0  # the next one works
