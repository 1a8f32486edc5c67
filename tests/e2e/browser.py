"""Drive the real Streamlit server in Debian's headless Chromium (no browser download needed).

Nothing here waits a fixed time: the server is ready when ``/_stcore/health`` answers ``ok``, a page
is settled when its heading is shown and Streamlit's status widget (the "running" man) is gone, and
assertions use Playwright's ``expect``, which retries until its timeout (a busy 2-core CI machine
only makes them slower, never wrong).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
TIMEOUT_MS = 60_000  # a cold server on a busy 2-core machine; expect() returns as soon as it holds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _output(log) -> str:
    log.seek(0)
    return log.read()


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90.0, log=None) -> None:
    """Block until the server's health endpoint says ``ok`` (each request itself blocks up to 2 s, so
    this is a bounded number of requests, not a sleep loop); fail with the server's output if it died."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{_output(log) if log else ''}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    if proc.poll() is None:  # ours answered, not another server that holds the port
                        return
                    continue
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            # not listening yet: wait for the process to change state, at most a short while
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.25)
    raise RuntimeError("streamlit did not become healthy")


@contextmanager
def streamlit_server(db: Path, port: int | None = None, env: dict[str, str] | None = None):
    port = port or free_port()
    full_env = {
        **os.environ,
        "HOTLINE_DB": str(db),
        "PYTHONPATH": str(ROOT),
        # no file watcher: an edit elsewhere in the tree would show "File change. Rerun" in the status widget
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        **(env or {}),
    }
    # the server's output goes to a file, not a pipe nobody reads (a full pipe would block the server)
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, log=log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for_page(page, heading: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """stApp, then the page heading, then no running status widget (networkidle never comes), then
    every Plotly chart on the page drawn (its SVG exists) so that a screenshot shows it."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stApp"]')).to_be_visible(timeout=timeout_ms)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=timeout_ms)
    settled(page, timeout_ms)


def settled(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """The script run is over (the app says ``notRunning``, no status widget), every lazily loaded
    widget has replaced its grey skeleton, and each chart container holds its drawn SVG."""
    from playwright.sync_api import expect

    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    expect(idle).to_have_count(1, timeout=timeout_ms)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout_ms)
    skeletons = page.locator('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')
    expect(skeletons).to_have_count(0, timeout=timeout_ms)
    # every chart drawn, asked of the whole page at each retry: a count taken once could still include a
    # chart of the run that was being replaced, and wait for it forever (seen once in a fresh-clone CI)
    undrawn = page.locator('[data-testid="stPlotlyChart"]:not(:has(.main-svg))')
    expect(undrawn).to_have_count(0, timeout=timeout_ms)
