"""A replay failure as ``audit cross-check`` names it: Temporal core's own sentence (which
names the patch or the command that differs), not the wrapper it arrives in, cut at 300
characters before the patch's name as it was."""

from __future__ import annotations

from audit.crosscheck import _failure

CORE = ('Workflow activation completion failed: Failure { failure: Some(Failure { message: '
        '"[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change '
        'record-events-locally, but there is no corresponding change command!", source: "", '
        'stack_trace: "", encoded_attributes: None, cause: None })')


def test_the_core_sentence_is_named_whole() -> None:
    assert _failure(Exception(CORE)) == (
        "[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change "
        "record-events-locally, but there is no corresponding change command!")


def test_an_escaped_quote_stays_in_the_sentence() -> None:
    assert _failure(Exception('Failure { message: "a \\"b\\" c", source: "" }')) == 'a \\"b\\" c'


def test_another_error_is_its_first_line() -> None:
    assert _failure(Exception("history ended early\nmore")) == "history ended early"
    assert _failure(Exception()) == "Exception()"
