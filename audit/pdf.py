"""The report as a PDF, typeset by WeasyPrint from the page's own print styles (CSS Paged Media).

The page's ``@media print`` rules give A4 landscape, a page per section, the running headers
(``string-set``: the symbol and the title), "page x of y" (``counter(page)``,
``counter(pages)``) and the table of contents' page numbers (``target-counter``); WeasyPrint
implements them, needs no browser, and lays Arabic right to left and Chinese through Pango and
the system's fonts (docs/REPORT.md says why it, and not Chromium).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from audit.review import ReportError
from i18n import _

#: the system libraries WeasyPrint needs, as Debian names them
PANGO = "libpango-1.0-0 libpangoft2-1.0-0"


def typesetter_missing() -> str | None:
    """Why no PDF can be typeset on this machine, in one sentence; ``None`` when it can."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401, PLC0415 - heavy
    except (ImportError, OSError):  # OSError: Pango is not installed
        return _("--pdf needs WeasyPrint and Pango (apt-get install {packages}).").format(
            packages=PANGO)
    return None


def print_pdf(html: str, out: Path) -> Path:
    """Typeset ``html`` into ``out`` (replaced only once the new PDF is whole);
    ``ReportError`` in one sentence when it cannot be."""
    if (missing := typesetter_missing()) is not None:
        raise ReportError(missing)
    from weasyprint import HTML  # noqa: PLC0415 - heavy; only when a PDF is asked for

    written: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.",
                                         suffix=".part", delete=False) as part:
            written = Path(part.name)
        # the page is self-contained: nothing to fetch, so no base URL
        HTML(string=html).write_pdf(written)
        os.replace(written, out)
    except Exception as error:
        if written is not None:
            written.unlink(missing_ok=True)
        raise ReportError(_("the PDF could not be written to {out}: {why}.").format(
            out=out, why=f"{type(error).__name__}: {error}")) from None
    return out
