"""PDF by printing the brief's HTML in headless Chromium.

Chromium is already this project's browser (the dashboard's browser tests use Debian's
package), it prints the same CSS a person sees, and it needs no second layout engine
in Python (WeasyPrint would need Pango and its fonts). Nothing is downloaded: the
browser is found on the PATH, or named by CAMBODIA_RISK_CHROMIUM.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from feeds.brief.errors import BriefError
from feeds.config import ENV_CHROMIUM

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 90


def find_chromium() -> str | None:
    named = os.environ.get(ENV_CHROMIUM)
    if named:
        return named if Path(named).exists() else None
    return next((path for name in NAMES if (path := shutil.which(name))), None)


def html_to_pdf(html: str, out: Path) -> None:
    browser = find_chromium()
    if browser is None:
        raise BriefError("a PDF brief needs Chromium (apt-get install chromium, or set "
                         f"{ENV_CHROMIUM}); --format html prints to PDF from any browser")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        target = Path(out).resolve()
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", f"--print-to-pdf={target}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise BriefError(f"Chromium did not finish the PDF in {TIMEOUT_SECONDS}s") from None
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise BriefError(f"Chromium could not print the PDF: {tail[0][:200]}")
