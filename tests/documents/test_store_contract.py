"""One contract, every backend (the filesystem's and S3's, against a real S3-compatible
server): content-addressed, whole or nothing, the same bytes twice a no-op, a refused file
never kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from documents import DocumentRefused, FileStore, NotHeld, Store, TooLarge
from documents.sniffing import PDF, TEXT
from tests.documents import samples
from tests.documents.conftest import LIMIT


def test_a_document_is_kept_by_its_sha256_and_read_back_byte_identical(store: Store) -> None:
    data = samples.pdf()
    stored = store.put(data, "annex.pdf")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.size, stored.media_type, stored.filename) == (len(data), PDF, "annex.pdf")
    assert store.has(stored.sha256)
    assert store.get(stored.sha256) == data
    assert b"".join(store.open(stored.sha256)) == data
    assert store.stat(stored.sha256) == stored
    assert list(store) == [stored.sha256]


def test_the_same_bytes_again_change_nothing(store: Store) -> None:
    first = store.put(samples.text(), "report.txt")
    again = store.put(samples.text(), "renamed.txt")
    assert again == first  # the first filename kept
    assert list(store) == [first.sha256]
    assert store.stat(first.sha256).media_type == TEXT


def test_a_path_in_the_filename_is_dropped(store: Store) -> None:
    assert store.put(samples.text(), "../../etc/passwd\x07").filename == "passwd"


@pytest.mark.parametrize(("data", "refusal"), [
    (samples.png(), DocumentRefused), (samples.exe(), DocumentRefused),
    (b"x" * (LIMIT + 1), TooLarge)])
def test_a_refused_file_is_not_kept_and_the_next_one_is(store: Store, data: bytes,
                                                         refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        store.put(data, "renamed.pdf")
    assert not store.has(hashlib.sha256(data).hexdigest())
    assert list(store) == []
    assert store.has(store.put(samples.docx(), "annex.docx").sha256)


def test_too_large_names_the_limit(store: Store) -> None:
    with pytest.raises(TooLarge, match=f"at most 0.1 MiB \\({LIMIT:,} bytes\\)"):
        store.put(b"y" * (LIMIT + 1), "big.txt")


def test_a_document_not_held_is_said_so(store: Store) -> None:
    absent = "0" * 64
    assert not store.has(absent)
    assert not store.has("not a hash")
    for read in (store.get, store.stat, store.open):
        with pytest.raises(NotHeld, match=absent):
            read(absent)


def test_the_filesystem_fans_out_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = FileStore(tmp_path, LIMIT)
    sha = store.put(samples.odt(), "annex.odt").sha256
    assert (tmp_path / sha[:2] / sha[2:]).read_bytes() == samples.odt()
    assert not [p for p in tmp_path.rglob(".partial-*")]
