"""Drive the real dashboard in a real browser: server subprocess, Chromium, waits.

Used by ``tests/test_browser.py`` and ``benchmarks/bench_dashboard.py``.

* :class:`DashboardServer` starts ``streamlit run dashboard/app.py`` on a free loopback
  port with ``CAMBODIA_RISK_DB`` pointing at a database, and waits for
  ``/_stcore/health``. Its output goes to a log file whose tail is shown on failure.
* :func:`launch_chromium` starts Debian's Chromium (``/usr/bin/chromium``) through
  Playwright; Playwright's own browser downloads are never used.
* :func:`wait_for_app` waits until Streamlit has finished running the script: the app
  root carries ``data-test-script-state`` (``initial``/``running``/``rerunRequested``/
  ``notRunning``) and the status widget is shown while a run is going on.
* :func:`overview_screenshot` / :func:`capture_overview` take the Overview picture for
  the README (``python tests/browser_support.py OUT.png [DB_URL]``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CAMBODIA_RISK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APP = ROOT / "dashboard" / "app.py"
SCREENSHOTS = ROOT / "tests" / "screenshots"

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'
# A chart has drawn once Vega has put its canvas or SVG inside the chart element.
CHART_DRAWN = f"{CHART} canvas, {CHART} svg"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_executable() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


class DashboardServer:
    """``streamlit run dashboard/app.py`` as a child process on 127.0.0.1.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        db_url: str,
        port: int | None = None,
        app: Path = APP,
        extra_env: dict[str, str] | None = None,
        startup_timeout: float = 60.0,
    ):
        self.db_url = db_url
        self.port = port or free_port()
        self.app = app
        self.extra_env = extra_env or {}
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as self
            prefix="streamlit-", suffix=".log", delete=False
        )
        self.log_path = Path(self._log.name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "server not started"
        return self.proc.pid

    def command(self) -> list[str]:
        return [
            python_executable(),
            "-m",
            "streamlit",
            "run",
            str(self.app),
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
        ]

    def start(self) -> DashboardServer:
        env = dict(os.environ)
        env.update(self.extra_env)
        env["CAMBODIA_RISK_DB"] = self.db_url
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.proc = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_healthy(self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last_error = exc
            time.sleep(0.2)
        raise TimeoutError(
            f"streamlit did not answer /_stcore/health within {timeout:.0f} s "
            f"({last_error}):\n{self.log_tail()}"
        )

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def peak_rss_mb(self) -> float:
        """The server's peak resident set (VmHWM) in MB, from /proc."""
        return _proc_status_kb(self.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return _proc_status_kb(self.pid, "VmRSS") / 1024

    def memory_mb(self) -> dict[str, float]:
        """Current RSS split: anonymous (heap) vs file-backed (e.g. SQLite's mmap)."""
        return {
            k: _proc_status_kb(self.pid, k) / 1024
            for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM")
        }

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def launch_chromium(playwright, **kwargs):
    """Debian's Chromium through Playwright's sync API."""
    if not chromium_available():
        raise FileNotFoundError(
            f"{CHROMIUM} not found: install it with `apt-get install -y chromium`"
        )
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs
    )


def page_url(base: str, path: str = "/", params: dict | list | None = None) -> str:
    """``base`` + ``path`` + query string; list values become repeated parameters."""
    url = base.rstrip("/") + "/" + path.lstrip("/")
    if params:
        url += "?" + urlencode(params, doseq=True)
    return url


# True once the app has been idle, with content in the main area, for `quiet` ms: no
# script run going on, no status widget, and the same number of elements as last time.
_SETTLED_JS = """([quiet]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const w = window.__crmSettle || (window.__crmSettle = {sig: null, since: 0});
    const now = performance.now();
    const idle = app
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')
            .length > 0;
    if (!idle) { w.sig = null; return false; }
    const sig = document.querySelectorAll('[data-testid="stElementContainer"]').length + ':'
        + document.querySelectorAll('[data-stale="true"]').length + ':' + location.href;
    if (sig !== w.sig) { w.sig = sig; w.since = now; return false; }
    return now - w.since >= quiet;
}"""


def wait_for_app(page, timeout: float = 60_000, quiet_ms: int = 400) -> None:
    """Wait until the script has run and the page has stayed settled for ``quiet_ms``.

    Settled: the app root says ``notRunning`` and ``CONNECTED``, no status widget, the
    main area has elements, and the element count has not changed for ``quiet_ms`` (a
    rerun the first run triggers, e.g. by rewriting the query string, resets it).
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.evaluate("() => { window.__crmSettle = null; }")
    page.wait_for_function(_SETTLED_JS, arg=[quiet_ms], timeout=timeout, polling=100)


def wait_for_charts(page, minimum: int = 1, timeout: float = 30_000) -> int:
    """Wait until ``minimum`` Vega-Lite charts have drawn; return how many are drawn."""
    page.wait_for_function(
        """([sel, n]) => {
            const charts = document.querySelectorAll(sel);
            let drawn = 0;
            for (const c of charts) if (c.querySelector('canvas, svg')) drawn++;
            return drawn >= n;
        }""",
        arg=[CHART, minimum],
        timeout=timeout,
    )
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
                     .filter(c => c.querySelector('canvas, svg')).length""",
        CHART,
    )


def open_page(
    page, base: str, path: str = "/", params: dict | list | None = None, timeout: float = 60_000
) -> None:
    page.goto(page_url(base, path, params), wait_until="domcontentloaded", timeout=timeout)
    wait_for_app(page, timeout=timeout)


def exceptions_on_page(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all(EXCEPTION)]


def screenshot(page, name: str, full_page: bool = True, max_height: int = 6000) -> Path:
    """Save ``tests/screenshots/<name>.png``.

    Streamlit scrolls its main area inside a container, so Playwright's ``full_page``
    alone captures one viewport. With ``full_page`` the viewport is stretched to the
    content's height for the shot (charts re-fit to the width, which does not change).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    if full_page and size:
        height = page.evaluate(
            """(sel) => Math.max(...[...document.querySelectorAll(sel)]
                                  .map(e => e.scrollHeight), document.body.scrollHeight)""",
            '[data-testid="stMain"], [data-testid="stAppViewContainer"], '
            '[data-testid="stSidebarContent"]',
        )
        page.set_viewport_size(
            {"width": size["width"], "height": min(max_height, max(height, size["height"]))}
        )
        page.wait_for_timeout(400)
        try:
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


README_VIEWPORT = {"width": 1400, "height": 1000}


def overview_screenshot(
    page,
    base: str,
    path: Path | str,
    params: dict | list | None = None,
    min_charts: int = 3,
    settle_ms: int = 600,
) -> Path:
    """The Overview as a README picture: open it, wait until ``min_charts`` charts have
    drawn and Vega has settled, then save one viewport (title, KPIs, risk and sentiment
    charts at the default 1400x1000) as PNG at ``path``. Fails on an exception box, so a
    broken page never becomes the picture."""
    open_page(page, base, "/", params)
    wait_for_charts(page, min_charts)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # The pointer rests on the empty header: no chart tooltip, no sidebar collapse button.
    width = (page.viewport_size or README_VIEWPORT)["width"]
    page.mouse.move(width // 2, 20)
    page.wait_for_timeout(settle_ms)
    errors = exceptions_on_page(page)
    if errors:
        raise RuntimeError(f"the Overview shows an exception: {errors}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def capture_overview(
    db_url: str,
    path: Path | str,
    viewport: dict | None = None,
    device_scale_factor: float = 1,
    params: dict | list | None = None,
) -> Path:
    """Start the dashboard on ``db_url`` and Chromium, and save the Overview screenshot
    (see :func:`overview_screenshot`). For the README picture::

        .venv/bin/python tests/browser_support.py docs/screenshot-overview.png \\
            sqlite:///data/cambodia-risk.db
    """
    from playwright.sync_api import sync_playwright

    with DashboardServer(db_url) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(
                viewport=viewport or README_VIEWPORT,
                device_scale_factor=device_scale_factor,
                color_scheme="light",
            )
            page = context.new_page()
            page.set_default_timeout(60_000)
            return overview_screenshot(page, server.url, path, params)
        finally:
            browser.close()


def png_size(path: Path | str) -> tuple[int, int]:
    """Width and height of a PNG file, from its header."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def have_streamlit_app() -> bool:
    return APP.exists()


def which(name: str) -> str | None:
    return shutil.which(name)


def main(argv: list[str] | None = None) -> int:
    """``python tests/browser_support.py OUT.png [DB_URL]``: the Overview screenshot of
    DB_URL (default: $CAMBODIA_RISK_DB, else the project's default database)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help") or len(args) > 2:
        print(main.__doc__)
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from feeds import config

    db_url = args[1] if len(args) > 1 else os.environ.get(config.ENV_DB) or config.DEFAULT_DB_URL
    out = capture_overview(db_url, args[0])
    width, height = png_size(out)
    print(f"{out}: {width}x{height}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
