"""Save full-page screenshots of every portal page as each role sees it, for a human to review.

Run: .venv/bin/python -m tests.browser.screenshots [OUTDIR]   (default test-artifacts/screenshots)

The portal runs on a fresh temporary demo database (the same seed as the tests; PostgreSQL when
PORTAL_TEST_DATABASE_URL is set). Pages that overflow the window sideways are listed at the end.
"""

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from models import DebtorAccount, User
from portal import create_app
from portal.auth import hasher
from portal.demo import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from tests.browser.live import (
    LARGE_SCREEN,
    LAUNCH_ARGS,
    SMALL_SCREEN,
    live_server,
    log_in,
)
from tests.conftest import TEST_ACCOUNTS, _database_url, reset_schema

DEFAULT_OUTDIR = Path("test-artifacts/screenshots")
ROLES = ["admin", "lead", "collector1", "risk", "auditor"]
NO_MATCH = "/accounts/?search=No+such+customer+anywhere"


@dataclass
class Shot:
    """One page to capture: a name and how to get there from a logged-in page."""

    name: str
    reach: Callable[[Page], object]


def open_first(list_path: str, title: str) -> Callable[[Page], object]:
    """Go to a list and follow the first row's icon with this title (View/Edit Record)."""
    def reach(page: Page):
        page.goto(list_path)
        icon = page.locator(f"a[title='{title}']").first
        return icon.click() if icon.count() else None
    return reach


def reassign_form(page: Page):
    """Tick three accounts and run the "Reassign to collector" bulk action."""
    page.goto("/accounts/")
    menu = page.get_by_role("button", name="With selected")
    if not menu.count():
        return None
    for index in range(3):
        page.locator("input.action-checkbox").nth(index).check()
    menu.click()
    page.get_by_role("link", name="Reassign to collector").click()
    return page.wait_for_load_state()


SHOTS = [
    Shot("dashboard", lambda p: p.goto("/")),
    Shot("accounts", lambda p: p.goto("/accounts/")),
    Shot("account-details", open_first("/accounts/", "View Record")),
    Shot("account-edit", open_first("/accounts/", "Edit Record")),
    Shot("accounts-empty", lambda p: p.goto(NO_MATCH)),
    Shot("reassign", reassign_form),
    Shot("teams", lambda p: p.goto("/teams/")),
    Shot("memberships", lambda p: p.goto("/memberships/")),
    Shot("users", lambda p: p.goto("/users/")),
    Shot("user-edit", open_first("/users/", "Edit Record")),
    Shot("assignments", lambda p: p.goto("/assignments/")),
    Shot("audit", lambda p: p.goto("/audit/")),
    Shot("user-new-or-403", lambda p: p.goto("/users/new/")),
    Shot("error-404", lambda p: p.goto("/accounts/details/?id=999999")),
]


def demo_app(folder: Path):
    """Build the portal as `make run` does, on a fresh database seeded like the test suite's."""
    os.environ["PORTAL_INSTANCE_DIR"] = str(folder)
    os.environ["PORTAL_DATABASE_URL"] = _database_url(folder)
    app = create_app({"PASSWORD_FAST_HASH": True})
    with app.app_context():
        reset_schema()
        seed_demo(db.session, hasher().hash(DEMO_PASSWORD), accounts=TEST_ACCOUNTS)
        db.session.commit()
    flag_examples(app)
    return app


def flag_examples(app) -> None:
    """Flag a few accounts (the most overdue, and collector1's) so the flag badges show."""
    with app.app_context():
        top = db.session.scalars(select(DebtorAccount)
                                 .order_by(DebtorAccount.days_past_due.desc()).limit(2)).all()
        own = db.session.scalars(select(DebtorAccount).join(DebtorAccount.collector)
                                 .where(User.username == "collector1")
                                 .order_by(DebtorAccount.days_past_due.desc()).limit(1)).all()
        for account in [*top, *own]:
            account.do_not_contact = account.dispute = True
        top[0].fraud_suspect = True
        db.session.commit()


def overflows(page: Page) -> bool:
    """Tell whether the page is wider than the window (a sideways scrollbar)."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def save(page: Page, path: Path, problems: list[str]) -> None:
    """Save a full-page screenshot and note sideways overflow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    if overflows(page):
        problems.append(f"{path}: wider than the window")
    print(path)


def anonymous_shots(browser, base_url: str, outdir: Path, problems: list[str]) -> None:
    """Capture the login page, empty and after a failed attempt."""
    page = browser.new_page(base_url=base_url, viewport=SMALL_SCREEN)
    page.goto("/login")
    save(page, outdir / "anonymous" / "01-login.png", problems)
    log_in(page, "admin", "wrong-password")
    save(page, outdir / "anonymous" / "02-login-error.png", problems)
    page.goto("/no-such-page")
    save(page, outdir / "anonymous" / "03-not-found.png", problems)
    page.close()


def role_shots(browser, base_url: str, username: str, screen: dict, outdir: Path,
               problems: list[str]) -> None:
    """Log in as one user and capture every page in SHOTS."""
    context = browser.new_context(base_url=base_url, viewport=screen, locale="en-GB")
    page = context.new_page()
    log_in(page, username)
    folder = outdir / f"{username}-{screen['width']}"
    page.locator("#user-menu").click()
    page.locator(".user-menu .dropdown-menu").wait_for(state="visible")
    save(page, folder / "00-user-menu.png", problems)
    for number, shot in enumerate(SHOTS, start=1):
        shot.reach(page)
        page.wait_for_load_state()
        save(page, folder / f"{number:02d}-{shot.name}.png", problems)
    context.close()


def capture(outdir: Path) -> list[str]:
    """Serve a demo portal and capture every role's pages; return the overflow problems."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="portal-shots-") as folder:
        app = demo_app(Path(folder))
        with live_server(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**LAUNCH_ARGS)
            anonymous_shots(browser, url, outdir, problems)
            for username in ROLES:
                role_shots(browser, url, username, SMALL_SCREEN, outdir, problems)
            role_shots(browser, url, "admin", LARGE_SCREEN, outdir, problems)
            browser.close()
        with app.app_context():
            db.engine.dispose()
    return problems


def main(argv: list[str]) -> int:
    """Capture into the folder named on the command line; print overflow problems."""
    outdir = Path(argv[0]) if argv else DEFAULT_OUTDIR
    problems = capture(outdir)
    for problem in problems:
        print("OVERFLOW", problem)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
