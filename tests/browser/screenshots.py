"""Save full-page screenshots of every portal page as each role sees it, for a human to review.

Run: .venv/bin/python -m tests.browser.screenshots [OUTDIR] [--documents]
(default OUTDIR test-artifacts/screenshots; --documents captures only the policy document pages)

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
DOCUMENT_ROLES = ["compliance", "reviewer1", "lead", "collector1"]
NO_MATCH = "/accounts/?search=No+such+customer+anywhere"
# The demo's consumer policy: three versions in force one after the other and a draft (v4).
POLICY = "/documents/d/COL-POL-001"
NOT_A_DOCX = {"name": "scan-of-policy.docx", "buffer": b"%PDF-1.7 scanned, not a Word file",
              "mimeType": "application/vnd.openxmlformats-officedocument"
                          ".wordprocessingml.document"}


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


def upload_error(page: Page):
    """Send a PDF renamed .docx through the upload form, so the refusal shows."""
    page.goto(f"{POLICY}/upload/")
    field = page.locator("input#file")
    if not field.count():
        return None
    field.set_input_files(NOT_A_DOCX)
    page.get_by_label("What changed").fill("Giờ liên hệ theo Thông tư 18/2019/TT-NHNN")
    with page.expect_navigation():
        return page.get_by_role("button", name="Upload as draft").click()


def compare_link(page: Page):
    """Follow the document page's "Compare versions" button (the latest two versions)."""
    page.goto(f"{POLICY}/")
    return page.locator("[data-compare-link]").click()


def printed(page: Page):
    """Show the version in force as the printer gets it."""
    page.emulate_media(media="print")
    return page.goto(f"{POLICY}/")


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

DOCUMENT_SHOTS = [
    Shot("doc-register", lambda p: p.goto("/documents/")),
    Shot("doc-page", lambda p: p.goto(f"{POLICY}/")),
    Shot("doc-draft-v4", lambda p: p.goto(f"{POLICY}/v/4/")),
    Shot("doc-superseded-v1", lambda p: p.goto(f"{POLICY}/v/1/")),
    Shot("doc-draft-only", lambda p: p.goto("/documents/d/COL-PRC-008/")),
    Shot("doc-scheduled", lambda p: p.goto("/documents/d/COL-PRC-002/")),
    Shot("doc-retired", lambda p: p.goto("/documents/d/COL-POL-006/")),
    Shot("doc-compare-inline", compare_link),
    Shot("doc-compare-side", lambda p: p.goto(f"{POLICY}/compare/?a=1&b=3&mode=side")),
    Shot("doc-compare-same", lambda p: p.goto(f"{POLICY}/compare/?a=3&b=3")),
    Shot("doc-upload-error", upload_error),
    Shot("doc-audience", lambda p: p.goto(f"{POLICY}/v/3/audience")),
    Shot("doc-pending", lambda p: p.goto("/documents/pending/")),
    Shot("doc-dashboard", lambda p: p.goto("/")),
    Shot("doc-print", printed),
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
               problems: list[str], shots: list[Shot] = SHOTS, prefix: str = "") -> None:
    """Log in as one user and capture every page of a list of shots."""
    context = browser.new_context(base_url=base_url, viewport=screen, locale="en-GB")
    page = context.new_page()
    log_in(page, username)
    folder = outdir / f"{prefix}{username}-{screen['width']}"
    page.locator("#user-menu").click()
    page.locator(".user-menu .dropdown-menu").wait_for(state="visible")
    save(page, folder / "00-user-menu.png", problems)
    for number, shot in enumerate(shots, start=1):
        shot.reach(page)
        page.wait_for_load_state()
        save(page, folder / f"{number:02d}-{shot.name}.png", problems)
    context.close()


def capture(outdir: Path, documents_only: bool = False) -> list[str]:
    """Serve a demo portal and capture every role's pages; return the overflow problems."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="portal-shots-") as folder:
        app = demo_app(Path(folder))
        with live_server(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**LAUNCH_ARGS)
            if not documents_only:
                anonymous_shots(browser, url, outdir, problems)
                for username in ROLES:
                    role_shots(browser, url, username, SMALL_SCREEN, outdir, problems)
                role_shots(browser, url, "admin", LARGE_SCREEN, outdir, problems)
            for username in DOCUMENT_ROLES:
                role_shots(browser, url, username, SMALL_SCREEN, outdir, problems,
                           DOCUMENT_SHOTS, prefix="documents-")
            browser.close()
        with app.app_context():
            db.engine.dispose()
    return problems


def main(argv: list[str]) -> int:
    """Capture into the folder named on the command line; print overflow problems."""
    folders = [arg for arg in argv if not arg.startswith("--")]
    outdir = Path(folders[0]) if folders else DEFAULT_OUTDIR
    problems = capture(outdir, documents_only="--documents" in argv)
    for problem in problems:
        print("OVERFLOW", problem)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
