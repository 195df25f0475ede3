"""The cheaper list page draws what Flask-Admin's own list template draws, for every view and user.

admin/portal_list.html builds rows and headers in Python, reuses menu, head and scripts, builds
URLs without url_for and formats numbers without Babel's pattern engine. Each test compares the
result with the stock way of doing the same thing.
"""

import re
from decimal import Decimal

import pytest
from babel import Locale
from flask import get_template_attribute, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from admin_views import formatting, list_rows, urls
from models import Team
from portal.extensions import db
from tests.conftest import AuthActions

STOCK_LIST = "admin/model/list.html"  # Flask-Admin's list template, which portal_list extends
USERS = ["admin", "lead", "collector1", "fraud", "auditor"]
SECTIONS = {"head": (r"<head>", r"</head>"), "navbar": (r"<nav ", r"</nav>"),
            "above the table": (r"</nav>", r"<table "), "table": (r"<table ", r"</table>")}


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


def _normal(html: str) -> str:
    """Drop the whitespace between tags (the two templates indent differently) and CSRF tokens."""
    html = re.sub(r">\s+", ">", CSRF_VALUE.sub(r"\1TOKEN", html))
    return re.sub(r"\s+", " ", re.sub(r"\s+<", "<", html))


def _section(html: str, start: str, end: str) -> str:
    found = re.search(f"{start}.*?{end}", html, re.DOTALL)
    assert found, f"no {start}...{end} in the page"
    return found.group(0)


def _tail(html: str) -> str:
    """Return the page after the table and its pager: the action form and the scripts."""
    after = html[html.index("</table>"):]
    starts = [i for i in (after.find('<form id="action_form"'), after.find("<script")) if i >= 0]
    return after[min(starts):]


def _portal_list_views(app):
    return [v for v in app.extensions["admin"][0]._views
            if getattr(v, "list_template", None) == "admin/portal_list.html"]


def _queries(app, view) -> list[str]:
    sortable = [i for i, (name, _label) in enumerate(view._list_columns)
                if name in view._sortable_columns]
    queries = ["", "?page_size=50", "?search=a"]
    if sortable:
        queries.append(f"?sort={sortable[-1]}&desc=1")
    if view._filters:
        flt = view._filters[0]
        with app.app_context():
            options = list(flt.get_options(view) or [])
        queries.append(f"?flt0_0={options[0][0] if options else '1'}&page=0")
    return queries


def _stock_page(client, view, url: str) -> str:
    view.list_template = STOCK_LIST
    try:
        return client.get(url).get_data(as_text=True)
    finally:
        view.list_template = "admin/portal_list.html"


def test_list_pages_draw_what_flask_admin_draws_for_every_view_and_user(app):
    compared = 0
    for username in USERS:
        client = app.test_client()
        AuthActions(client).login(username)
        for view in _portal_list_views(app):
            for query in _queries(app, view):
                url = f"/{view.url.strip('/')}/{query}"
                response = client.get(url)
                if response.status_code != 200:
                    continue  # not this role's list: the matrix tests cover refusals
                ours = _normal(response.get_data(as_text=True))
                stock = _normal(_stock_page(client, view, url))
                for name, (start, end) in SECTIONS.items():
                    if name == "table" and "colspan=" in stock:
                        continue  # no rows: the portal words its empty list differently
                    assert _section(ours, start, end) == _section(stock, start, end), \
                        f"{name} of {url} as {username}"
                assert _tail(ours) == _tail(stock), f"scripts of {url} as {username}"
                compared += 1
    assert compared > 60, "enough pages compared to mean something"


def test_filter_menu_follows_a_renamed_team_at_once(app, auth, client):
    auth.login("admin")
    assert "Renamed team" not in client.get("/accounts/").get_data(as_text=True)
    with app.app_context():
        team = db.session.scalars(select(Team).order_by(Team.id)).first()
        team.name = "Renamed team"
        db.session.commit()
    assert "Renamed team" in client.get("/accounts/").get_data(as_text=True)


def test_masking_is_per_user_on_the_same_list(app):
    pages = {}
    for username in ("fraud", "lead"):  # fraud analysts see national IDs, team leads do not
        client = app.test_client()
        AuthActions(client).login(username)
        pages[username] = client.get("/accounts/?page_size=100").get_data(as_text=True)
    ids = {name: re.findall(r'<td class="col-national_id">([^<]*)</td>', page)
           for name, page in pages.items()}
    assert ids["fraud"] and all("•" not in value for value in ids["fraud"])
    assert ids["lead"] and all(value.startswith("•") for value in ids["lead"])


# --- URLs ------------------------------------------------------------------------------------
URL_CASES = [
    (".index_view", {}),
    (".index_view", {"page": 2, "sort": 3, "desc": None, "search": "Nguyễn Văn An & co/?=#+%"}),
    (".index_view", {"flt0_1": ["a b", None, "c"], "page_size": 25, "t": True, "e": ""}),
    (".details_view", {"id": "12", "url": "/accounts/?page_size=25&flt0_1=x y"}),
    (".export", {"export_type": "csv", "search": "a b"}),
    ("admin.static", {"filename": "admin/js/helpers.js", "v": "1.0.0"}),
    ("admin.static", {"filename": "vendor/select2/select2.min.js", "v": "4.2.1"}),
    ("static", {"filename": "portal.css"}),
    ("teams.index_view", {"page": 1}),
    (".index_view", {"_anchor": "top", "page": 1}),
]


@pytest.mark.parametrize(("endpoint", "values"), URL_CASES)
def test_list_urls_are_the_strings_url_for_builds(app, endpoint, values):
    with app.test_request_context("/accounts/"):
        for _ in range(2):  # the second time from what the first one kept
            assert urls.build(endpoint, **values) == url_for(endpoint, **values)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: not k.startswith("_")),
                       st.one_of(st.none(), st.text(max_size=20), st.integers(),
                                 st.lists(st.text(max_size=5), max_size=3)), max_size=5))
def test_any_query_arguments_encode_as_url_for_encodes_them(app, values):
    with app.test_request_context("/accounts/"):
        assert urls.build(".index_view", **values) == url_for(".index_view", **values)


# --- numbers ---------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(min_value=-10**15, max_value=10**15),
                 st.decimals(min_value=-10**15, max_value=10**15, allow_nan=False, places=2)),
       st.sampled_from(["en", "vi", "de", "fr"]))
def test_grouped_numbers_read_as_babel_writes_them(value, locale):
    parsed = Locale.parse(locale)
    assert formatting.grouped(value, parsed) == formatting.GROUPED.apply(value, parsed)


def test_money_rounds_half_to_even_like_babel():
    assert formatting.grouped(Decimal("1250000.50"), "en") == "1,250,000"
    assert formatting.grouped(Decimal("1250001.50"), "vi") == "1.250.002"


# --- pager -----------------------------------------------------------------------------------
def test_pager_is_flask_admins_pager_for_every_page_of_up_to_30(app):
    with app.test_request_context("/accounts/"):
        macro = get_template_attribute("admin/lib.html", "pager")
        for pages in range(31):
            for page in range(max(pages, 1)):
                def url(number):
                    return f"/accounts/?page={number}&a=1"
                assert list_rows._pager(page, pages, url) == str(macro(page, pages, url)), \
                    (page, pages)
