"""Browser fixtures: the portal served from a thread on the fresh demo database, and chromium.

The `app` fixture of tests/conftest.py builds the database (SQLite, or PostgreSQL when
PORTAL_TEST_DATABASE_URL is set); pytest-playwright provides `browser`, `context` and `page`.
"""

import pytest

from tests.browser.live import LAUNCH_ARGS, SMALL_SCREEN, live_server

ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium headless; command-line options such as --headed still win."""
    return {**LAUNCH_ARGS, **browser_type_launch_args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Open pages at the smallest screen the department uses; the base URL comes per test."""
    args = {k: v for k, v in browser_context_args.items() if k != "base_url"}
    return {**args, "viewport": SMALL_SCREEN, "locale": "en-GB"}


@pytest.fixture
def portal_url(app):
    """Serve this test's app on a free local port and return its base URL."""
    with live_server(app) as url:
        yield url


@pytest.fixture
def context(new_context, portal_url):
    """A fresh browser context (no cookies) whose relative URLs point at the live portal."""
    context = new_context(base_url=portal_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context
