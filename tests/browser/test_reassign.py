"""An admin filters accounts, reassigns some in bulk and finds the moves in the audit trail."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Assignment, DebtorAccount
from portal.extensions import db
from tests.browser.live import log_in, needs_chromium, quiet_plugin_warnings
from tests.conftest import user_named

pytestmark = [pytest.mark.browser, needs_chromium, quiet_plugin_warnings]

BUCKET = "1-30"
REASON = "Workload balancing after the browser test"


def filter_by_bucket(page, bucket: str) -> None:
    """Add the Bucket filter through the list's filter UI and apply it."""
    page.get_by_role("link", name="Add Filter").click()
    page.locator(".field-filters").get_by_text("Bucket", exact=True).click()
    # select2 hides the real <select> behind its widget; the form still submits the select.
    page.locator("table.filters tr").last.locator("select.filter-val").select_option(
        bucket, force=True)
    with page.expect_navigation():
        page.locator("#filter_form").get_by_role("button", name="Apply").click()


def select_rows(page, count: int) -> list[int]:
    """Tick the first rows of the list and return their account ids."""
    boxes = page.locator("input.action-checkbox")
    for index in range(count):
        boxes.nth(index).check()
    return [int(boxes.nth(index).get_attribute("value")) for index in range(count)]


def run_bulk_action(page, label: str) -> None:
    """Choose an entry of the list's "With selected" menu."""
    page.get_by_role("button", name="With selected").click()
    with page.expect_navigation():
        page.get_by_role("link", name=label).click()


def reassign_to(page, username: str, reason: str) -> None:
    """Fill the reassign form: the username's collector option, a reason, then submit."""
    option = page.locator("#target option", has_text=f"({username})").first
    page.locator("#target").select_option(option.get_attribute("value"))
    page.get_by_label("Reason").fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name="Reassign", exact=True).click()


def open_assignments(app, ids: list[int]) -> list[tuple[int, int, str]]:
    """Read (account's collector, open assignment's collector, reason) for each account."""
    with app.app_context():
        return db.session.execute(
            select(DebtorAccount.collector_id, Assignment.collector_id, Assignment.reason)
            .join(Assignment, Assignment.account_id == DebtorAccount.id)
            .where(DebtorAccount.id.in_(ids), Assignment.ended_at.is_(None))).all()


def audit_rows(page, actor: str, action: str, entity: str):
    """Locate the audit trail rows with exactly this actor, action and entity."""
    rows = page.locator("table.model-list tbody tr")
    for column, value in (("actor", actor), ("action", action), ("entity", entity)):
        cell = page.locator(f"td.col-{column}", has_text=re.compile(rf"^\s*{value}\s*$"))
        rows = rows.filter(has=cell)
    return rows


def test_admin_filters_reassigns_and_sees_the_audit_trail(app, page):
    log_in(page, "admin")
    expect(page.get_by_role("heading", name=re.compile("Good day"))).to_be_visible()

    page.goto("/accounts/")
    filter_by_bucket(page, BUCKET)
    expect(page).to_have_url(re.compile(r"flt\d+_\d+=" + re.escape(BUCKET)))
    buckets = page.locator("table.model-list td.col-bucket")
    expect(buckets.first).to_have_text(BUCKET)
    expect(buckets.filter(has_not_text=BUCKET)).to_have_count(0)

    ids = select_rows(page, 3)
    run_bulk_action(page, "Reassign to collector")
    expect(page.get_by_role("heading", name="Reassign accounts")).to_be_visible()
    expect(page.get_by_text("You are moving 3 accounts.")).to_be_visible()
    reassign_to(page, "collector2", REASON)
    expect(page.locator(".alert-success")).to_contain_text(
        "3 account(s) reassigned to James Carter.")
    with app.app_context():
        collector2 = user_named("collector2").id
    assert open_assignments(app, ids) == [(collector2, collector2, REASON)] * 3

    page.get_by_role("link", name="Audit trail").click()
    expect(page).to_have_url(re.compile(r"/audit/"))
    # The trail shows labels, not class names or codes: "created Assignment", "changed Account".
    opened = audit_rows(page, "admin", "created", "Assignment").filter(has_text=REASON)
    expect(opened).to_have_count(3)
    expect(audit_rows(page, "admin", "changed", "Assignment")).to_have_count(3)
    moved = audit_rows(page, "admin", "changed", "Account").filter(has_text="collector_id")
    expect(moved).to_have_count(3)
