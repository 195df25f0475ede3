"""Save screenshots of the redline proposal pages (reviewer, author, editor, inbox) at 1366 px.

Run: .venv/bin/python -m tests.browser.proposal_screenshots [OUTDIR]
(default test-artifacts/screenshots/proposals). The demo portal gets three proposals: one in
review with comments on its clauses, one sent back to its author, and one whose base was
overtaken by a published proposal and rebased with a conflict.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from documents import proposals as props
from documents import repository as repo
from documents.blocks import BlockKind
from models import RedlineProposal, WorkflowRule
from portal.extensions import db
from tests.browser.live import LAUNCH_ARGS, SMALL_SCREEN, live_server, log_in
from tests.browser.screenshots import demo_app, overflows
from tests.conftest import user_named

DEFAULT_OUTDIR = Path("test-artifacts/screenshots/proposals")


def _rules() -> None:
    for category in ("policy", "procedure", "collection_scenario", "work_instruction", "form"):
        if db.session.scalar(select(WorkflowRule).where(WorkflowRule.rule_key == category)):
            continue
        db.session.add(WorkflowRule(workflow="redline_proposal", rule_key=category,
                                    approvals_required=2, reviewer_roles=["reviewer"],
                                    sla_hours={"submitted": 24, "in_review": 72,
                                               "changes_requested": 120}))
    db.session.flush()


def _clauses(proposal):
    return [b for b in props.proposal_blocks(proposal) if b.kind == BlockKind.LIST_ITEM]


def _open(code: str, author: str, title: str, rationale: str):
    document = repo.get_document(db.session, user_named(author), code)
    return props.open_proposal(db.session, user_named(author), document, title, rationale)


def in_review() -> int:
    """COL-POL-001: three clauses changed, one added, one moved; comments and a reply."""
    author, r1, r2 = user_named("compliance"), user_named("reviewer1"), user_named("reviewer2")
    proposal = _open("COL-POL-001", "compliance", "Giờ liên hệ ngắn hơn / Shorter contact hours",
                     "Complaints about evening calls rose 30% in Q1; Circular 18/2019 asks for "
                     "calls between 07:00 and 21:00 at the latest.")
    clauses = _clauses(proposal)
    props.edit_block(db.session, author, proposal, clauses[1].id,
                     clauses[1].text + " Calls after 20:00 need the team lead's approval.")
    props.edit_block(db.session, author, proposal, clauses[3].id,
                     clauses[3].text.replace(" ", " không ", 1))
    props.insert_block(db.session, author, proposal, clauses[4].id, "list_item",
                       "Every call is recorded and kept for 24 months.")
    props.move_block(db.session, author, proposal, clauses[6].id, clauses[0].id)
    props.submit(db.session, author, proposal)
    props.add_comment(db.session, r1, proposal, "Does 20:00 also apply on Saturdays?",
                      clauses[1].id)
    first = proposal.comments[0]
    props.add_comment(db.session, author, proposal, "Yes: every day of the week.",
                      clauses[1].id, first)
    props.add_comment(db.session, r2, proposal, "Please cite the circular in the rationale.")
    props.approve(db.session, r2, proposal, proposal.changes_hash)
    return proposal.id


def sent_back() -> int:
    """COL-SCN-003: reviewer1 asked for changes; the author is editing."""
    author = user_named("compliance")
    proposal = _open("COL-SCN-003", "compliance", "Nhắc nợ qua SMS / SMS reminders", "")
    clause = _clauses(proposal)[0]
    props.edit_block(db.session, author, proposal, clause.id, clause.text + " (SMS first.)")
    props.submit(db.session, author, proposal)
    props.request_changes(db.session, user_named("reviewer1"), proposal,
                          "Say which template the SMS uses.")
    return proposal.id


def conflicted() -> int:
    """COL-POL-007: the lead's proposal and compliance's both change clause 1; one publishes."""
    lead, author = user_named("lead"), user_named("compliance")
    mine = _open("COL-POL-007", "lead", "Restructuring needs a second signature", "")
    theirs = _open("COL-POL-007", "compliance", "Restructuring thresholds", "")
    target = _clauses(mine)[0]
    props.edit_block(db.session, lead, mine, target.id, "Every restructuring needs two signatures.")
    props.edit_block(db.session, author, theirs, target.id, "Thresholds follow the risk rule.")
    props.submit(db.session, author, theirs)
    for reviewer in ("reviewer1", "reviewer2"):
        props.approve(db.session, user_named(reviewer), theirs, theirs.changes_hash)
    props.publish(db.session, author, theirs)
    props.rebase(db.session, lead, mine)
    return mine.id


def scenario(app) -> dict[str, int]:
    """Write the three proposals; return their ids."""
    with app.app_context():
        _rules()
        ids = {"review": in_review(), "back": sent_back(), "conflict": conflicted()}
        stand_in = user_named("risk")  # someone the lead can hand a review to
        stand_in.set_roles(set(stand_in.roles) | {"reviewer"})
        db.session.commit()
        assert db.session.get(RedlineProposal, ids["conflict"]).conflicts
        return ids


def shots(ids: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """Return, per user, the pages to capture as (name, path)."""
    review, back, conflict = (f"/proposals/p/{ids[k]}/" for k in ("review", "back", "conflict"))
    return {
        "reviewer1": [("proposal-inline", review), ("proposal-side", review + "?mode=side"),
                      ("inbox", "/proposals/inbox/"), ("list", "/proposals/"),
                      ("dashboard", "/")],
        "compliance": [("proposal-author", review), ("sent-back", back),
                       ("editor", f"{back}edit"), ("inbox", "/proposals/inbox/"),
                       ("document", "/documents/d/COL-POL-001/"),
                       ("open-form", "/proposals/open/COL-POL-001")],
        "lead": [("conflicts", conflict), ("reviewing-as-lead", review)],
    }


def focus_first_clause(page: Page) -> None:
    """Open the editing panel of the first clause in the editor."""
    page.locator("[data-edit]").nth(1).click()
    page.wait_for_load_state()


def capture(outdir: Path) -> list[str]:
    """Serve the demo with the proposals and save each user's pages; return overflows."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="proposal-shots-") as folder:
        app = demo_app(Path(folder))
        ids = scenario(app)
        with live_server(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**LAUNCH_ARGS)
            for username, pages in shots(ids).items():
                context = browser.new_context(base_url=url, viewport=SMALL_SCREEN,
                                              locale="en-GB")
                page = context.new_page()
                log_in(page, username)
                for number, (name, path) in enumerate(pages, start=1):
                    page.goto(path)
                    if name == "editor":
                        focus_first_clause(page)
                    if name == "reviewing-as-lead":
                        page.locator("[data-reassign] summary").click()
                    target = outdir / f"{username}-{number:02d}-{name}.png"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(target), full_page=True)
                    if overflows(page):
                        problems.append(f"{target}: wider than the window")
                    print(target)
                context.close()
            browser.close()
        with app.app_context():
            db.engine.dispose()
    return problems


if __name__ == "__main__":
    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTDIR
    for problem in capture(outdir):
        print("OVERFLOW", problem)
