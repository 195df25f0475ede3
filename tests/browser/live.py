"""Shared by the browser tests and the screenshot script: a live server, chromium, logins."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from portal.demo import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LAUNCH_ARGS = {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}
SMALL_SCREEN = {"width": 1366, "height": 768}
LARGE_SCREEN = {"width": 1920, "height": 1080}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
           "to run the real-browser tests",
)


class _QuietHandler(WSGIRequestHandler):
    """Serve requests without one log line each (they would drown the test output)."""

    def log_request(self, code="-", size="-") -> None:
        """Log nothing for successful requests; errors still reach stderr."""


# pytest-playwright 0.10's own `base_url` fixture trips a pytest 9 deprecation warning.
quiet_plugin_warnings = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free 127.0.0.1 port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-portal", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the page it leads to."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    """Open the user menu in the navbar and press its Log out button."""
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
