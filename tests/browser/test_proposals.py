"""The whole review path in real browsers: compliance proposes a redline, reviewer1 asks for
changes, compliance revises, both reviewers approve, compliance publishes; the new version is in
force and the proposal's history and the audit trail show every step."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.live import log_in, needs_chromium, quiet_plugin_warnings
from tests.test_documents import new_document, published
from tests.test_proposals import review_rule

pytestmark = [pytest.mark.browser, needs_chromium, quiet_plugin_warnings]

CODE = "COL-POL-007"
IN_FORCE = ["Call between 07:00 and 21:00.", "Never call relatives."]
HOURS = "Call between 08:00 and 20:00."
REVISED = "Never call relatives or colleagues."
TITLE = "Shorter contact hours"
RATIONALE = "Complaints rose after 20:00"
REQUEST = "Keep 21:00 on Saturdays?"
NAMES = {"compliance": "Lê Minh Châu", "reviewer1": "Phạm Quốc Bảo",
         "reviewer2": "Sarah Mitchell"}
# Each step of the transition log and who took it (complete_review follows the last approval).
STEPS = [("create", "compliance"), ("submit", "compliance"), ("start_review", "reviewer1"),
         ("request_changes", "reviewer1"), ("resubmit", "compliance"),
         ("approve", "reviewer1"), ("approve", "reviewer2"), ("complete_review", "reviewer2"),
         ("publish", "compliance")]
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-artifacts" / "proposal-published.png"


@pytest.fixture
def app(app):
    """The test app with COL-POL-007 in force and a two-reviewer rule for policies."""
    with app.app_context():
        review_rule(2)
        published(new_document(), *IN_FORCE)
        db.session.commit()
    return app


class Person:
    """One user's own browser context (no shared cookies) and the confirmations they saw."""

    def __init__(self, new_context, portal_url: str, username: str):
        context = new_context(base_url=portal_url)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.page = context.new_page()
        self.confirmed: list[str] = []
        self.page.on("dialog", self._accept)
        log_in(self.page, username)

    def _accept(self, dialog) -> None:
        self.confirmed.append(dialog.message)
        dialog.accept()

    def press(self, action: str) -> None:
        """Press a workflow button (data-action) and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(f"[data-action={action}]").click()


@pytest.fixture
def person(new_context, portal_url):
    """Open a browser context for a user and log them in."""
    return lambda username: Person(new_context, portal_url, username)


def flashed(page, text: str) -> None:
    """Wait for the flashed success message (not the page's own green notices)."""
    expect(page.locator(".alert-success.alert-dismissable")).to_contain_text(text)


def edit_clause(page, old: str, new: str) -> None:
    """In the proposal's editor, open the clause that reads `old` and save `new` as its text."""
    page.locator("[data-block]", has_text=old).locator("[data-edit]").click()
    panel = page.locator("[data-panel]")
    panel.get_by_label("Text", exact=True).fill(new)
    with page.expect_navigation():
        panel.get_by_role("button", name="Save clause").click()
    flashed(page, "Clause saved.")
    with page.expect_navigation():
        page.locator("[data-back]").click()


def open_proposal(compliance: Person) -> int:
    """From the document page, open a proposal that changes the hours; return its id."""
    page = compliance.page
    page.goto(f"/documents/d/{CODE}/")
    page.locator("[data-open-proposal]").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Rationale").fill(RATIONALE)
    with page.expect_navigation():
        page.get_by_role("button", name="Open a draft proposal").click()
    flashed(page, "Draft proposal #")
    expect(page.locator("[data-editor]")).to_be_visible()
    proposal_id = int(re.search(r"/proposals/p/(\d+)/edit", page.url).group(1))
    edit_clause(page, IN_FORCE[0], HOURS)
    redline = page.locator("[data-redline]")
    expect(redline.locator("ins", has_text="08:00")).to_be_visible()
    expect(redline.locator("del", has_text="07:00")).to_be_visible()
    expect(page.locator("[data-rationale]")).to_have_text(RATIONALE)
    return proposal_id


def from_the_inbox(page, section: str, proposal_id: int) -> None:
    """Click the bell, find the proposal in an inbox section and open it."""
    page.locator("[data-inbox-badge]").click()
    expect(page.get_by_role("heading", name="Awaiting my action")).to_be_visible()
    row = page.locator(f"[data-inbox-section={section}] [data-inbox-item='{proposal_id}']")
    with page.expect_navigation():
        row.get_by_role("link", name=f"#{proposal_id} {TITLE}").click()
    expect(page.locator("[data-proposal-title]")).to_have_text(f"#{proposal_id} · {TITLE}")


def approve(reviewer: Person, outcome: str) -> None:
    """Press Approve on the proposal page and wait for the outcome message."""
    page = reviewer.page
    expect(page.locator("[data-action=approve]")).to_be_visible()
    reviewer.press("approve")
    flashed(page, outcome)


def history(page) -> list[tuple[str, str]]:
    """Read the proposal's history: each step's action and the text naming its actor."""
    items = page.locator("[data-history] [data-step]")
    expect(items).to_have_count(len(STEPS))
    return items.evaluate_all("els => els.map(e => [e.dataset.step, e.innerText])")


def clause(page, number: str, text: str):
    """Locate the rendered clause with this number and text on a document page."""
    number_cell = page.locator(".clause-no", has_text=re.compile(rf"^\s*{re.escape(number)}\s*$"))
    return page.locator(".doc-clause", has=number_cell).filter(has_text=text)


def audit_rows(page, actor: str, action: str, entity: str):
    """Locate the audit trail rows with exactly this actor, action and record type."""
    rows = page.locator("table.model-list tbody tr")
    for column, value in (("actor", actor), ("action", action), ("entity", entity)):
        cell = page.locator(f"td.col-{column}", has_text=re.compile(rf"^\s*{value}\s*$"))
        rows = rows.filter(has=cell)
    return rows


def test_propose_request_changes_revise_approve_twice_and_publish(person):
    compliance = person("compliance")
    pid = open_proposal(compliance)
    compliance.press("submit")
    flashed(compliance.page, f"Submitted for review by {NAMES['reviewer1']}, "
                             f"{NAMES['reviewer2']}.")
    expect(compliance.page.locator("[data-edit-link]")).to_have_count(0)  # frozen in review

    reviewer1 = person("reviewer1")
    from_the_inbox(reviewer1.page, "reviews", pid)
    expect(reviewer1.page.locator("[data-redline] ins", has_text="08:00")).to_be_visible()
    reviewer1.page.get_by_label("Review comment").fill(REQUEST)
    reviewer1.press("request_changes")
    flashed(reviewer1.page, "went back to its author")

    page = compliance.page
    from_the_inbox(page, "mine", pid)
    expect(page.locator("[data-changes-requested]")).to_contain_text(REQUEST)
    page.locator("[data-edit-link]").click()
    edit_clause(page, IN_FORCE[1], REVISED)
    expect(page.locator("[data-redline] ins", has_text="colleagues")).to_be_visible()
    compliance.press("resubmit")
    flashed(page, "Resubmitted")

    reviewer1.page.reload()
    approve(reviewer1, "Your approval is recorded.")
    # One person's approval counts once: no second Approve for reviewer1 ...
    expect(reviewer1.page.locator("[data-reviewer=reviewer1]")).to_have_attribute(
        "data-review-state", "approved")
    expect(reviewer1.page.locator("[data-action=approve]")).to_have_count(0)
    expect(reviewer1.page.locator("[data-approval-count]")).to_have_text("1 of 2 approvals")
    # ... and none at all for the author (maker-checker).
    page.reload()
    expect(page.locator("[data-approval-count]")).to_have_text("1 of 2 approvals")
    expect(page.locator("[data-action=approve]")).to_have_count(0)

    reviewer2 = person("reviewer2")
    from_the_inbox(reviewer2.page, "reviews", pid)
    approve(reviewer2, "Your approval completed the review")

    from_the_inbox(page, "mine", pid)  # "approved: ready to publish" waits for the author
    compliance.press("publish")
    flashed(page, f"Published as version 2 of {CODE}.")
    expect(page.locator("[data-published]")).to_contain_text("Published as version 2.")
    # Submit, resubmit and publish each asked first (the browser's confirm dialog).
    assert [m.split("?")[0] for m in compliance.confirmed] == [
        f"Submit proposal #{pid} for review", "Send the revised text back to the reviewers",
        f"Publish proposal #{pid} as the next version of {CODE}"]

    shown = history(page)
    assert [step for step, _ in shown] == [step for step, _ in STEPS]
    for (step, text), (_, actor) in zip(shown, STEPS, strict=True):
        assert NAMES[actor] in text, (step, text)
    assert REQUEST in shown[3][1]  # the reviewer's reason stays in the history
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.goto(f"/documents/d/{CODE}/")
    expect(page.locator("[data-version-state]")).to_have_text("Version 2 · In force")
    expect(clause(page, "1.", HOURS)).to_be_visible()
    expect(clause(page, "2.", REVISED)).to_be_visible()
    expect(page.locator("article.doc-body")).not_to_contain_text("07:00")
    expect(page.locator("[data-open-proposals]")).to_have_count(0)

    audit_trail_shows_the_path(person("auditor").page)


def audit_trail_shows_the_path(page) -> None:
    """As an auditor, find the proposal, its transitions and both versions in the trail."""
    page.goto("/audit/")
    # The trail is newest first, 25 a page; the whole path (about 40 entries) fits on 100.
    page.get_by_role("link", name="25 items").click()
    page.get_by_role("link", name="100 items").click()
    expect(page).to_have_url(re.compile(r"page_size=100"))
    for step, actor in STEPS:
        field = page.locator(".audit-changes li", has_text=re.compile(rf"^action: {step}$"))
        logged = audit_rows(page, actor, "created", "Workflow step").filter(has=field)
        expect(logged).to_have_count(STEPS.count((step, actor)))
    expect(audit_rows(page, "compliance", "created", "Redline proposal")).to_have_count(1)
    for actor, change in (("reviewer1", "in_review → changes_requested"),
                          ("compliance", "changes_requested → in_review"),
                          ("reviewer2", "in_review → approved"),
                          ("compliance", "approved → published")):
        moved = audit_rows(page, actor, "changed", "Redline proposal").filter(has_text=change)
        expect(moved).to_have_count(1)
    for reviewer in ("reviewer1", "reviewer2"):
        expect(audit_rows(page, reviewer, "created", "Approval")).to_have_count(1)
    versions = audit_rows(page, "compliance", "created", "Document version")
    expect(versions.filter(has_text="number: 2")).to_have_count(1)
    changed = audit_rows(page, "compliance", "changed", "Document version")
    expect(changed.filter(has_text="status: draft → published")).to_have_count(1)  # version 2
    expect(changed.filter(has_text="ended_by: — → superseded")).to_have_count(1)  # version 1
