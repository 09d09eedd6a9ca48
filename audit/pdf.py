"""The report as a PDF, printed by headless Chromium (Debian's ``chromium``; nothing downloaded).

The page's own ``@media print`` rules (A4 landscape, a page per section) shape the PDF; the
browser's header and footer (a file:// URL and a date) are left off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from audit.report import ReportError

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 120.0  # seconds; a report prints in one or two on this machine


def _why(stderr: str) -> str:
    """Chromium's own reason, without the D-Bus noise a headless container always prints."""
    lines = [line for line in stderr.splitlines() if line.strip() and "dbus" not in line
             and "unexpected operator" not in line]  # the Debian wrapper's harmless complaint
    return lines[-1].split("] ", 1)[-1] if lines else "no reason given"


def print_pdf(html: str, out: Path, chromium: Path = CHROMIUM, timeout: float = TIMEOUT) -> Path:
    """Print ``html`` to ``out`` (replaced only once the new PDF is whole); ``ReportError`` in
    one sentence when Chromium is missing, fails or takes longer than ``timeout`` seconds."""
    if not chromium.exists():
        raise ReportError("--pdf needs Chromium (apt-get install chromium).")
    with tempfile.TemporaryDirectory(prefix="intersessional-report-") as scratch:
        page, printed = Path(scratch) / "report.html", Path(scratch) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-first-run", f"--user-data-dir={Path(scratch) / 'profile'}",
                   f"--print-to-pdf={printed}", "--no-pdf-header-footer", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print the report within {timeout:g} "
                              "seconds.") from None
        except OSError as error:
            raise ReportError(f"Chromium at {chromium} could not be started: "
                              f"{error.strerror}.") from None
        # Chromium exits 0 even when the page did not load: the file is the proof
        if not printed.exists() or printed.read_bytes()[:4] != b"%PDF":
            raise ReportError(f"Chromium did not print the report (exit {done.returncode}): "
                              f"{_why(done.stderr)}.")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(printed, out)
    return out
