"""The dashboard in each of the UN's six languages, with the catalogs as shipped: every page
says its language and direction, its headings and navigation come from that language's
catalog, and no English navigation is left on a page in another language."""

from __future__ import annotations

import pytest

import i18n
from tests.api.conftest import YEAR, Api, to_the_committee

PAGES = ("/", "/dashboard/coalitions", "/dashboard/silence", f"/dashboard/{YEAR}")
#: texts every page shows (the header's navigation and sign-in), and the cycle page's work plan
EVERYWHERE = ("Cycles", "Country coalitions", "Silence procedures", "Sign in", "Work plan")


@pytest.fixture(scope="module")
def at_the_committee(api: Api) -> Api:
    """A year whose work plan waits before the committee: the cycle page shows it whole."""
    to_the_committee(api)
    return api


@pytest.mark.parametrize("code", list(i18n.LANGUAGES))
def test_every_page_in_each_language(at_the_committee: Api, code: str) -> None:
    api = at_the_committee
    with i18n.speaking(code):
        expected = [i18n._(text) for text in EVERYWHERE]
    with api.client() as http:
        for path in PAGES:
            page = http.get(path, params={"lang": code})
            assert page.status_code == 200, (path, page.text[:300])
            html = page.text
            assert f'<html lang="{code}" dir="{i18n.direction(code)}">' in html, path
            for english, said in zip(EVERYWHERE, expected, strict=True):
                if english == "Work plan" and path != f"/dashboard/{YEAR}":
                    continue
                assert said in html, (code, path, said)
                if said != english:  # French keeps "Cycles": the same word, rightly
                    assert f">{english}<" not in html, (code, path, english)
    if code != "en":  # the catalog speaks: most of these differ from the English
        assert sum(said != english for english, said in zip(EVERYWHERE, expected,
                                                             strict=True)) >= len(EVERYWHERE) - 1


def test_arabic_alone_is_written_right_to_left() -> None:
    assert [code for code in i18n.LANGUAGES if i18n.direction(code) == "rtl"] == ["ar"]
