"""The web front holds (issue 19), against real processes (``intersessional dev`` and uvicorn):
every answer carries a policy that frames nothing and runs no inline script (``/docs`` its own,
allowing Swagger UI's one script by its hash, and nothing from another site); a moment out of
range is a 422, not a 500; the session cookie holds a server-side session's id, ``Secure``
behind a trusted https proxy, and signing out needs the page's CSRF value and ends the session
for good; sign-in is counted per address and per person (429), and a failed one says it
failed."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.headers import PAGES
from cli.audit import audit
from scenarios.scripted import first_presidency
from tests.api.conftest import YEAR, Api

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
FAKE_TOKEN = "isx_" + "A" * 43  # well-formed, held by no one
FIXED = {"x-frame-options": "DENY", "x-content-type-options": "nosniff",
         "referrer-policy": "same-origin"}


@pytest.fixture(scope="module")
def opened(api: Api) -> Api:
    """The API with the year opened: the front page lists its cycle."""
    with api.client("isu") as http:
        answer = http.post("/cycles", json={"year": YEAR, "carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]})
    assert answer.status_code == 201, answer.text
    return api


def from_address(address: str) -> dict[str, str]:
    """The headers of a request a trusted proxy (on 127.0.0.1) forwarded from ``address``."""
    return {"x-forwarded-for": address}


@pytest.mark.parametrize("path", ["/", f"/dashboard/{YEAR}", "/dashboard/coalitions",
                                  "/static/style.css", "/openapi.json", f"/cycles/{YEAR}",
                                  "/cycles/1999", "/nowhere", "/problems/refused"])
def test_every_answer_frames_nothing_and_runs_no_inline_script(opened: Api, path: str) -> None:
    with opened.client() as http:
        answer = http.get(path)
    assert {k: answer.headers.get(k) for k in FIXED} == FIXED
    policy = answer.headers["content-security-policy"]
    assert policy == PAGES
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_the_docs_run_their_own_script_by_its_hash_and_are_framed_by_no_one(api: Api) -> None:
    with api.client() as http:
        docs, redoc = http.get("/docs"), http.get("/redoc")
    assert docs.status_code == redoc.status_code == 200
    [script] = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert "SwaggerUIBundle" in script
    assert "/openapi.json" in script
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = docs.headers["content-security-policy"]
    sources = re.search(r"script-src ([^;]+);", policy)
    assert sources is not None
    assert f"'sha256-{digest}'" in sources.group(1).split()
    assert "unsafe-inline" not in sources.group(1)
    assert "frame-ancestors 'none'" in policy
    # this site only: Swagger UI and ReDoc come from the API itself (tests/api/test_docs_browser)
    for page in (docs, redoc):
        assert "https:" not in page.headers["content-security-policy"]
        assert "cdn" not in page.text
    assert docs.headers["x-frame-options"] == redoc.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in redoc.headers["content-security-policy"]


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_template_holds_an_inline_script_handler_or_style(template: Path) -> None:
    """What the policy would block, so the dashboard needs no exception to it."""
    html = template.read_text()
    assert "<script" not in html
    assert "<style" not in html
    assert re.search(r"\son[a-z]+\s*=", html) is None
    assert re.search(r"\sstyle\s*=", html) is None
    assert "javascript:" not in html


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00",
                                    "10000-01-01T00:00:00Z", "0000-12-31T00:00:00Z"])
def test_a_moment_out_of_range_is_422_and_exit_2(opened: Api, moment: str) -> None:
    with opened.client("auditor") as http:
        answer = http.get(f"/audit/cycles/{YEAR}", params={"as_of": moment})
        now = http.get(f"/audit/cycles/{YEAR}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert now.status_code == 200  # and the replay itself still answers
    result = CliRunner().invoke(audit, ["replay", "--year", str(YEAR), "--as-of", moment])
    assert result.exit_code == 2, result.output
    assert "--as-of" in result.output
    assert len(result.output.strip().splitlines()) == 1
    if moment.startswith(("9999", "0001")):
        assert answer.json()["detail"] == (
            f"as_of {moment} is outside the moments the ledger can hold (years 1 to 9999 in "
            "UTC).")
        assert "outside the moments the ledger can hold" in result.output


def session_of(http: httpx.Client) -> str:
    session = http.cookies.get("intersessional_session")
    assert session
    return session


def test_signing_out_needs_the_pages_csrf_value_and_ends_the_session(opened: Api) -> None:
    with httpx.Client(base_url=opened.url) as http:
        opened.sign_in(http, "president")
        session = session_of(http)
        page = http.get("/")
        found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
        assert found is not None
        forged = http.post("/signout", data={"next": "/"})  # as another site's form would
        wrong = http.post("/signout", data={"csrf": "0" * 64, "next": "/"})
        elsewhere = http.post("/signout", data={"csrf": found.group(1), "next": "/"},
                              headers={"origin": "https://elsewhere.example"})
        assert forged.status_code == wrong.status_code == elsewhere.status_code == 403
        assert "Signed in as" in http.get("/").text  # still signed in
        out = http.post("/signout", data={"csrf": found.group(1), "next": "/"})
        assert out.status_code == 303
    with httpx.Client(base_url=opened.url, cookies={"intersessional_session": session}) as kept:
        again = kept.get("/")  # the cookie kept by someone: it opens nothing any more
    assert "Signed in as" not in again.text
    assert "You were signed out: that session was ended at " in again.text


def test_the_cookie_is_secure_behind_a_trusted_https_proxy(opened: Api) -> None:
    with httpx.Client(base_url=opened.url) as http:
        answer = http.post("/signin", data={"token": opened.tokens["auditor"], "next": "/"},
                           headers={"x-forwarded-proto": "https",
                                    **from_address("198.51.100.20")})
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"].lower()
    assert "; secure" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_a_failed_sign_in_says_so_and_the_front_page_still_lists_the_cycles(
        opened: Api) -> None:
    with httpx.Client(base_url=opened.url) as http:
        failed = http.post("/signin", data={"token": FAKE_TOKEN, "next": "/"},
                           headers=from_address("198.51.100.30"))
    assert failed.status_code == 401
    assert "set-cookie" not in failed.headers
    assert "Sign-in failed: no one holds that token." in failed.text
    assert f"The {YEAR} cycle" in failed.text
    assert "holds no cycle yet" not in failed.text


def test_sign_in_is_limited_per_address(opened: Api) -> None:
    with httpx.Client(base_url=opened.url) as http:
        tries = [http.post("/signin", data={"token": FAKE_TOKEN, "next": "/"},
                           headers=from_address("203.0.113.7")) for _ in range(11)]
        right_token = http.post("/signin", data={"token": opened.tokens["isu"], "next": "/"},
                                headers=from_address("203.0.113.7"))
        elsewhere = http.post("/signin", data={"token": opened.tokens["isu"], "next": "/"},
                              headers=from_address("203.0.113.8"))
    assert [t.status_code for t in tries] == [401] * 10 + [429]
    assert ("Sign-in refused: Too many sign-ins from this address: at most 10 every minute; "
            "try again later.") in tries[-1].text
    assert right_token.status_code == 429  # the address is over its limit, whatever it sends
    assert "set-cookie" not in right_token.headers
    assert elsewhere.status_code == 303


def test_sign_in_is_limited_per_person(opened: Api) -> None:
    answers = []
    for n in range(31):  # each from an address of its own
        with httpx.Client(base_url=opened.url) as http:
            answers.append(http.post("/signin", data={"token": opened.tokens["coordinator"],
                                                      "next": "/"},
                                     headers=from_address(f"192.0.2.{n + 1}")))
    assert [a.status_code for a in answers] == [303] * 30 + [429]
    assert "Too many sign-ins with this token: at most 30 every hour" in answers[-1].text
    assert "set-cookie" not in answers[-1].headers


def test_the_audit_report_keeps_its_own_style_by_its_hash_and_nothing_else(opened: Api) -> None:
    """The report is one self-contained page (it must read the same offline): its inline
    ``<style>`` is allowed by its hash; scripts and framing stay refused."""
    with opened.client("auditor") as http:
        report = http.get("/audit/report", params={"from_year": YEAR, "to_year": YEAR})
    assert report.status_code == 200, report.text
    [style] = re.findall(r"<style>(.*?)</style>", report.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = report.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}';" in policy
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
