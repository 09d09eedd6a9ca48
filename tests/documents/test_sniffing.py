"""A document's type is judged by its content, never by its name."""

from __future__ import annotations

import pytest

from documents import DocumentRefused, media_type
from documents.sniffing import DOCX, ODT, PDF, TEXT
from tests.documents import samples


@pytest.mark.parametrize(("data", "expected"), [
    (samples.pdf(), PDF), (samples.docx(), DOCX), (samples.odt(), ODT),
    (samples.text(), TEXT), ("Rapport de l'UAA, 2027 — 公约\n".encode(), TEXT)])
def test_each_accepted_type_is_known_by_its_content(data: bytes, expected: str) -> None:
    assert media_type(data) == expected


@pytest.mark.parametrize(("data", "named"), [
    (samples.png(), "image/png"), (samples.exe(), "application/x-msdownload"),
    (samples.plain_zip(), "application/zip")])
def test_another_type_is_refused_naming_what_it_is_and_what_is_accepted(
        data: bytes, named: str) -> None:
    with pytest.raises(DocumentRefused) as refused:
        media_type(data)
    sentence = str(refused.value)
    assert named in sentence
    assert "PDF, DOCX, ODT, plain text (UTF-8)" in sentence


@pytest.mark.parametrize("data", [b"", b"text\x00with a NUL", b"\xff\xfe not UTF-8"])
def test_empty_or_binary_text_is_refused(data: bytes) -> None:
    with pytest.raises(DocumentRefused, match="a document is one of"):
        media_type(data)


def test_an_odt_whose_mimetype_names_another_type_is_not_an_odt() -> None:
    spreadsheet = samples.odt().replace(samples.ODT_TYPE,
                                        b"application/vnd.oasis.opendocument.spreadsheet"[:39])
    with pytest.raises(DocumentRefused):
        media_type(spreadsheet)
