"""Reading the report's PDF back with pypdf: the text of each page, the table of contents'
page numbers, where a text is drawn, and which fonts a page embeds."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from audit.pdf import typesetter_missing
from tests.absent import absent


def pango_or_skip() -> None:
    """WeasyPrint and Pango; their absence skips the test, or fails it where CI requires them
    (``INTERSESSIONAL_REQUIRE_PANGO=1``)."""
    if (reason := typesetter_missing()) is not None:
        absent(reason, "PANGO")


def _plain(text: str) -> str:
    # Arabic is drawn in its contextual forms (U+FExx); NFKC gives back the letters
    return unicodedata.normalize("NFKC", text)


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, in order."""
    return [_plain(page.extract_text()) for page in PdfReader(pdf).pages]


def contents(first_page: str, titles: list[str]) -> dict[str, int]:
    """The page number the table of contents gives for each of ``titles``: the one number on
    the dotted line naming it (a right-to-left line reads back in another order)."""
    found: dict[str, int] = {}
    for line in first_page.splitlines():
        for title in titles:
            if title in line and "." * 5 in line:
                (number,) = re.findall(r"\d+", line.replace(title, ""))
                found[title] = int(number)
    return found


def words(text: str) -> list[str]:
    """The words and numbers of ``text``, sorted: what a line says whatever the order its
    right-to-left runs are read back in."""
    return sorted(re.findall(r"\d+|[^\W\d_]+", _plain(text)))


def has_line(text: str, line: str) -> bool:
    """Whether one line of ``text`` says ``line`` (its words, in any order)."""
    return any(words(line) == words(candidate) for candidate in text.splitlines())


def sections(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's own outline at the sections' level: each heading's text (its title, then any
    rule ids beside it) and the page (from 1) it is on — where the typesetter put it, not a
    guess from the text, in which a section's name may be an everyday word of a sentence."""
    reader = PdfReader(pdf)
    outline: Any = reader.outline
    level = next((entry for entry in outline if isinstance(entry, list)), [])
    found: list[tuple[str, int]] = []
    for entry in level:
        if not isinstance(entry, list):
            number = reader.get_destination_page_number(entry)
            assert number is not None, f"{entry.title!r} points at no page"
            found.append((_plain(entry.title), number + 1))
    return found


def starts(pdf: Path, pages: list[str], title: str) -> int:
    """The page (from 1) on which the section headed ``title`` begins; its heading is written
    there."""
    page = next(page for heading, page in sections(pdf) if heading.startswith(title))
    assert title in pages[page - 1]
    return page


def drawn_at(pdf: Path, page: int, text: str) -> tuple[float, float]:
    """Where on ``page`` (from 1) the first run holding ``text`` begins, in points from the
    left, and the page's width."""
    reader = PdfReader(pdf)
    xs: list[float] = []

    def visit(run: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text in _plain(run):
            xs.append(cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

    reader.pages[page - 1].extract_text(visitor_text=visit)
    assert xs, f"{text!r} is not drawn on page {page}"
    return xs[0], float(reader.pages[page - 1].mediabox.width)


def fonts(pdf: Path, page: int) -> list[str]:
    """The names of the fonts ``page`` (from 1) embeds."""
    resources: Any = PdfReader(pdf).pages[page - 1]["/Resources"]
    return [str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()]
