"""List paging at scale: bounded counts, keyset "Next" pages, prefix search, capped exports."""

import csv
import html
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from admin_views import listing
from models import Assignment, DebtorAccount, Team
from portal import security
from portal.extensions import db
from tests.conftest import user_named

ROW_ID = re.compile(r"/accounts/details/\?id=(\d+)")
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')
LIST_COUNT = re.compile(r"List \(([^)]+)\)")


def _view(app, endpoint: str = "accounts"):
    return next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == endpoint)


def _shrink(app, cap: int, page_size: int):
    """Make the small test data set behave like a big one: a low count cap, small pages."""
    view = _view(app)
    view.count_cap, view.page_size = cap, page_size
    return view


def _sort_arg(view, column: str, desc: bool) -> str:
    index = [name for name, _label in view._list_columns].index(column)
    return f"sort={index}" + ("&desc=1" if desc else "")


def _filter_arg(view, column, value) -> str:
    index = next(i for i, flt in enumerate(view._filters) if flt.column is column)
    return f"flt0_{index}={value}"


def _row_ids(page: str) -> list[int]:
    return [int(i) for i in ROW_ID.findall(page)]


def _next_url(page: str) -> str | None:
    found = NEXT_LINK.search(page)
    return html.unescape(found.group(1)) if found else None


def _walk(client, query: str, numbered_pages: int) -> list[int]:
    """Read the numbered pages, then follow "Next" links to the end; return the row ids seen."""
    seen, page = [], ""
    for number in range(numbered_pages):
        page = client.get(f"/accounts/?{query}&page={number}").get_data(as_text=True)
        seen += _row_ids(page)
    while (url := _next_url(page)) is not None:
        assert listing.CURSOR_ARG in url
        assert len(seen) <= 200, "Next keeps going: a page repeats"
        page = client.get(url).get_data(as_text=True)
        seen += _row_ids(page)
    return seen


def _ordered_ids(app, *order, where=None) -> list[int]:
    with app.app_context():
        stmt = select(DebtorAccount.id).order_by(*order)
        return list(db.session.scalars(stmt.where(where) if where is not None else stmt))


def _scope(username: str):
    return security.account_filter(user_named(username))


# --- bounded count --------------------------------------------------------------------------
def test_count_under_the_cap_is_exact(auth, client):
    auth.login("admin")
    page = client.get("/accounts/").get_data(as_text=True)
    assert LIST_COUNT.search(page).group(1) == "120"
    assert "data-count-capped" not in page


def test_count_over_the_cap_shows_n_plus_and_bounds_the_page_numbers(app, auth, client):
    _shrink(app, cap=50, page_size=25)
    auth.login("admin")
    page = client.get("/accounts/").get_data(as_text=True)
    assert LIST_COUNT.search(page).group(1) == "50+"
    assert "data-count-capped" in page
    assert "page=1" in page and "page=2" not in page  # two numbered pages of 25, no more


def test_count_follows_the_row_scope(app, auth, client):
    auth.login("lead")
    with app.app_context():
        expected = db.session.scalar(select(func.count(DebtorAccount.id)).where(_scope("lead")))
    page = client.get("/accounts/").get_data(as_text=True)
    assert LIST_COUNT.search(page).group(1) == str(expected)
    assert 0 < expected < 120


def test_page_number_past_the_cap_shows_the_last_counted_page(app, auth, client):
    _shrink(app, cap=50, page_size=25)
    auth.login("admin")
    last = _row_ids(client.get("/accounts/?page=1").get_data(as_text=True))
    beyond = _row_ids(client.get("/accounts/?page=40").get_data(as_text=True))
    assert beyond == last and len(last) == 25


def test_no_next_link_when_every_row_was_counted(auth, client):
    auth.login("admin")
    page = client.get("/accounts/?page=4").get_data(as_text=True)
    assert _next_url(page) is None


# --- keyset pages ---------------------------------------------------------------------------
@pytest.mark.parametrize(("column", "desc"), [
    (None, True), ("customer_name", False), ("debt_group", True), ("region", False),
    ("days_past_due", False)])
def test_next_pages_list_every_row_once_in_sort_order(app, auth, client, column, desc):
    view = _shrink(app, cap=10, page_size=5)
    auth.login("admin")
    query = _sort_arg(view, column, desc) if column else ""
    key = getattr(DebtorAccount, column or "days_past_due")
    tiebreak = DebtorAccount.id.desc() if desc else DebtorAccount.id.asc()
    expected = _ordered_ids(app, key.desc() if desc else key.asc(), tiebreak)
    assert _walk(client, query, numbered_pages=2) == expected


def test_next_pages_keep_filter_sort_and_team_scope(app, auth, client):
    view = _shrink(app, cap=5, page_size=5)
    auth.login("lead")
    query = (f"{_filter_arg(view, DebtorAccount.status, 'active')}&"
             f"{_sort_arg(view, 'customer_name', True)}")
    with app.app_context():
        where = _scope("lead") & (DebtorAccount.status == "active")
    expected = _ordered_ids(app, DebtorAccount.customer_name.desc(), DebtorAccount.id.desc(),
                            where=where)
    assert len(expected) > 5, "enough rows to reach keyset pages"
    assert _walk(client, query, numbered_pages=1) == expected


@pytest.mark.parametrize("column", ["team_id", "collector_id", "debt_group"])
def test_integer_filters_page_on_every_database(app, auth, client, column):
    view = _shrink(app, cap=2, page_size=2)
    auth.login("admin")
    attribute = getattr(DebtorAccount, column)
    with app.app_context():
        value = db.session.scalar(select(attribute).group_by(attribute)
                                  .order_by(func.count().desc()).limit(1))
    expected = _ordered_ids(app, DebtorAccount.days_past_due.desc(), DebtorAccount.id.desc(),
                            where=attribute == value)
    assert len(expected) > 2, "enough rows to reach keyset pages"
    assert _walk(client, _filter_arg(view, attribute, value), numbered_pages=1) == expected


def test_collector_follows_next_pages_through_own_accounts_only(app, auth, client):
    _shrink(app, cap=1, page_size=1)
    auth.login("collector1")
    with app.app_context():
        where = _scope("collector1")
    expected = _ordered_ids(app, DebtorAccount.days_past_due.desc(), DebtorAccount.id.desc(),
                            where=where)
    assert len(expected) > 1
    assert _walk(client, "", numbered_pages=1) == expected


def test_cursor_page_offers_the_first_page_and_keeps_no_cursor_in_other_links(app, auth, client):
    _shrink(app, cap=10, page_size=5)
    auth.login("admin")
    url = _next_url(client.get("/accounts/?page=1").get_data(as_text=True))
    page = client.get(url).get_data(as_text=True)
    assert "First page" in page
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    with_cursor = [link for link in links
                   if f"{listing.CURSOR_ARG}=" in link and "/export/" not in link]
    assert len(with_cursor) == 1, "only Next carries a cursor (the list's export links ignore it)"


@pytest.mark.parametrize(("model", "column", "value"), [
    (DebtorAccount, "outstanding_principal", Decimal("1250000.50")),
    (Assignment, "started_at", datetime(2026, 11, 29, 7, 30, 15, 123456, tzinfo=UTC)),
    (DebtorAccount, "customer_name", 'Nguyễn "Văn" An, =1+1')])
def test_cursor_carries_typed_sort_values_exactly(model, column, value):
    order = listing.keyset_order(model, [(getattr(model, column), True)])
    token = listing.encode_cursor(order, SimpleNamespace(**{column: value, "id": 7}))
    assert listing.decode_cursor(order, token) == [value, 7]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token), "safe in a URL as it is"


def test_nullable_or_related_sort_columns_fall_back_to_offset_pages():
    assert listing.keyset_order(Assignment, [(Assignment.ended_at, True)]) is None
    assert listing.keyset_order(DebtorAccount, [(Team.name, False)]) is None


@pytest.mark.parametrize("token", ["garbage", "", "W10", "WyJ4IixbMV1d",
                                   "WyJkYXlzX3Bhc3RfZHVlLSxpZC0iLFsieCIsMV1d"])
def test_unusable_cursor_shows_the_first_page(auth, client, token):
    auth.login("admin")
    first = _row_ids(client.get("/accounts/").get_data(as_text=True))
    response = client.get(f"/accounts/?{listing.CURSOR_ARG}={token}")
    assert response.status_code == 200
    assert _row_ids(response.get_data(as_text=True)) == first


def test_cursor_of_another_sort_order_is_ignored(app, auth, client):
    view = _shrink(app, cap=10, page_size=5)
    auth.login("admin")
    url = _next_url(client.get("/accounts/?page=1").get_data(as_text=True))
    token = re.search(rf"{listing.CURSOR_ARG}=([^&]+)", url).group(1)
    by_name = _sort_arg(view, "customer_name", False)
    first = _row_ids(client.get(f"/accounts/?{by_name}").get_data(as_text=True))
    resorted = client.get(f"/accounts/?{by_name}&{listing.CURSOR_ARG}={token}")
    assert _row_ids(resorted.get_data(as_text=True)) == first


# --- prefix search --------------------------------------------------------------------------
def test_search_matches_account_number_prefix_in_any_case(app, auth, client):
    auth.login("admin")
    page = client.get("/accounts/?search=vn000000010&page_size=100").get_data(as_text=True)
    with app.app_context():
        expected = set(db.session.scalars(select(DebtorAccount.id).where(
            DebtorAccount.account_number.like("VN000000010%"))))
    assert set(_row_ids(page)) == expected and len(expected) == 10
    assert "starting with" in page  # the placeholder says how search matches


def test_search_is_a_prefix_not_a_substring(auth, client):
    auth.login("admin")
    page = client.get("/accounts/?search=000000010").get_data(as_text=True)
    assert _row_ids(page) == []
    assert "Nothing matches your search" in page


def test_search_matches_customer_name_prefix_typed_in_lower_case(app, auth, client):
    auth.login("admin")
    with app.app_context():
        name = db.session.scalar(select(DebtorAccount.customer_name)
                                 .where(DebtorAccount.customer_name.like("% % %")).limit(1))
        prefix = " ".join(name.split()[:2])
        expected = set(db.session.scalars(select(DebtorAccount.id).where(
            DebtorAccount.customer_name.like(f"{prefix}%"))))
    page = client.get(f"/accounts/?search={prefix.lower()}&page_size=100")
    assert set(_row_ids(page.get_data(as_text=True))) == expected


def test_search_stays_inside_the_row_scope(app, auth, client):
    auth.login("collector1")
    with app.app_context():
        expected = set(db.session.scalars(select(DebtorAccount.id).where(_scope("collector1"))))
    page = client.get("/accounts/?search=VN&page_size=100").get_data(as_text=True)
    assert set(_row_ids(page)) == expected


# --- exports --------------------------------------------------------------------------------
HOSTILE = {"customer_name": ['=HYPERLINK("http://evil.example","x")', "-cmd|' /C calc'!A0",
                             "@SUM(A1:A9)"],
           "region": ["+1+2"]}


def _plant_formulas(app) -> dict[str, dict[str, str]]:
    """Give some accounts cell values that a spreadsheet would run; return them by number."""
    planted = {}
    with app.app_context():
        accounts = db.session.scalars(select(DebtorAccount).order_by(DebtorAccount.id)
                                      .limit(4)).all()
        values = [("customer_name", v) for v in HOSTILE["customer_name"]] + \
                 [("region", v) for v in HOSTILE["region"]]
        for account, (field, value) in zip(accounts, values, strict=True):
            setattr(account, field, value)
            planted[account.account_number] = {field: value}
        db.session.commit()
    return planted


def _csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_export_escapes_formula_cells(app, auth, client):
    planted = _plant_formulas(app)
    auth.login("admin")
    rows = {r["Account no."]: r for r in _csv_rows(client.get("/accounts/export/csv/"))}
    labels = {"customer_name": "Customer", "region": "Region"}
    for number, cells in planted.items():
        for field, value in cells.items():
            assert rows[number][labels[field]] == "'" + value


def test_xlsx_export_escapes_formula_cells(app, auth, client):
    planted = _plant_formulas(app)
    auth.login("admin")
    response = client.get("/accounts/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    for values in planted.values():
        for value in values.values():
            assert "'" + value in cells and value not in cells


def test_export_stops_at_the_configured_cap(app, auth, client):
    app.config["EXPORT_MAX_ROWS"] = 50
    auth.login("admin")
    assert len(_csv_rows(client.get("/accounts/export/csv/"))) == 50


def test_export_holds_exactly_the_rows_in_scope(app, auth, client):
    auth.login("lead")
    with app.app_context():
        expected = set(db.session.scalars(select(DebtorAccount.account_number)
                                          .where(_scope("lead"))))
    rows = _csv_rows(client.get("/accounts/export/csv/"))
    assert {r["Account no."] for r in rows} == expected


def test_export_follows_sort_and_filter_but_not_a_list_cursor(app, auth, client):
    view = _shrink(app, cap=10, page_size=5)
    auth.login("admin")
    query = f"{_filter_arg(view, DebtorAccount.status, 'active')}&" \
            f"{_sort_arg(view, 'days_past_due', True)}"
    cursor = re.search(rf"{listing.CURSOR_ARG}=([^&]+)", _next_url(
        client.get(f"/accounts/?{query}&page=1").get_data(as_text=True))).group(1)
    rows = _csv_rows(client.get(f"/accounts/export/csv/?{query}&{listing.CURSOR_ARG}={cursor}"))
    with app.app_context():
        expected = list(db.session.scalars(
            select(DebtorAccount.account_number).where(DebtorAccount.status == "active")
            .order_by(DebtorAccount.days_past_due.desc(), DebtorAccount.id.desc())))
    assert [r["Account no."] for r in rows] == expected
