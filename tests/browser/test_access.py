"""Who sees what in a real browser: login, row scope, masking, logout and the list layout."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import DebtorAccount
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from tests.browser.live import log_in, log_out, needs_chromium, quiet_plugin_warnings
from tests.conftest import user_named

pytestmark = [pytest.mark.browser, needs_chromium, quiet_plugin_warnings]


def own_account_numbers(app, username: str) -> set[str]:
    """Read from the database the account numbers assigned to the user."""
    with app.app_context():
        me = user_named(username).id
        return set(db.session.scalars(select(DebtorAccount.account_number)
                                      .where(DebtorAccount.collector_id == me)))


def test_anonymous_visit_is_sent_to_the_login_form(page):
    page.goto("/accounts/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)accounts(/|%2F)$"))
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_login_then_goes_where_the_user_was_heading(page):
    page.goto("/teams/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/teams/$"))
    expect(page.get_by_role("heading", name="Teams")).to_be_visible()


def test_wrong_password_shows_an_error_on_the_form(page):
    log_in(page, "admin", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Invalid username or password")
    expect(page).to_have_url(re.compile(r"/login"))


def test_collector_sees_only_their_own_accounts(app, page):
    mine = own_account_numbers(app, "collector1")
    assert mine, "the demo data gives collector1 some accounts"
    log_in(page, "collector1")
    page.goto("/accounts/?page_size=100")
    listed = set(page.locator("table.model-list td.col-account_number").all_inner_texts())
    assert {n.strip() for n in listed} == mine
    expect(page.get_by_role("button", name="With selected")).to_have_count(0)


def test_collector_is_refused_other_areas(page):
    log_in(page, "collector1")
    response = page.goto("/users/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()


def test_logout_from_the_user_menu_ends_the_session(page):
    log_in(page, "lead")
    expect(page.locator("#user-menu")).to_contain_text("Nguyễn Văn Hùng")
    log_out(page)
    expect(page.get_by_role("alert")).to_contain_text("You have been logged out")
    page.goto("/accounts/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_account_list_fits_a_1366_pixel_screen(page):
    log_in(page, "admin")
    page.goto("/accounts/")
    widths = page.evaluate("""() => {
        const table = document.querySelector('table.model-list');
        return {table: table.scrollWidth, box: table.parentElement.clientWidth,
                page: document.documentElement.scrollWidth, window: window.innerWidth};
    }""")
    assert widths["table"] <= widths["box"], "the account list needs a sideways scroll"
    assert widths["page"] <= widths["window"]
    expect(page.locator("th.col-flags")).to_be_in_viewport()


def test_risk_officer_sees_national_ids_masked(page):
    log_in(page, "risk")
    page.goto("/accounts/")
    ids = page.locator("td.col-national_id").all_inner_texts()
    assert ids and all(i.strip().startswith("•") for i in ids)
