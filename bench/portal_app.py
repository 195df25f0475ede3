"""The portal built for benchmarks, with a plain Flask-Admin view of the same table beside it."""

import re
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla import filters as sqla_filters
from sqlalchemy import select

from bench.generate import DATA_DIR
from models import Base, DebtorAccount, Team
from portal import create_app
from portal.demo import DEMO_PASSWORD
from portal.extensions import db

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The portal list's columns minus its computed ones (total due, flags): the same table, the
# same relationships on screen, so the difference is Flask-Admin's defaults, not the content.
PLAIN_COLUMNS = ["account_number", "customer_name", "national_id", "product",
                 "outstanding_principal", "days_past_due", "bucket", "debt_group", "region",
                 "status", "collector", "team"]
SORT_COLUMN = "days_past_due"


def build_app(url: str, export_rows: int) -> Flask:
    """Build the portal on the bench database and register the plain baseline view."""
    app = create_app({
        "SKIP_ENVIRONMENT": True,
        "TESTING": True,
        "ENV": "development",
        "INSTANCE_DIR": str(DATA_DIR / "instance"),
        "SECRET_KEY": "bench-secret",
        "AUDIT_KEY": "bench-audit-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "EXPORT_MAX_ROWS": export_rows,
    })
    with app.app_context():
        # Tables added to the schema since the data was generated (empty in a new database
        # too); a changed column of an existing table still needs `--generate`.
        Base.metadata.create_all(db.engine)
    plain = PlainAccountView(DebtorAccount, db, name="Plain accounts", endpoint="plain_accounts")
    plain.export_max_rows = export_rows
    app.extensions["admin"][0].add_view(plain)
    return app


class PlainAccountView(ModelView):
    """Flask-Admin's stock ModelView with only what the comparison needs switched on."""

    column_list = PLAIN_COLUMNS
    # Flask-Admin's integer filter: its plain FilterEqual compares integer = varchar, which
    # PostgreSQL refuses.
    column_filters = [sqla_filters.IntEqualFilter(DebtorAccount.team_id, "Team")]
    page_size = 25  # the portal's page size: the same number of rows on both pages
    can_export = True


def login(client: FlaskClient, username: str = "admin") -> None:
    """Sign in through the real login form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"bench login failed with HTTP {response.status_code}")


def _view(app: Flask, endpoint: str) -> ModelView:
    return next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == endpoint)


def _sort_index(view: ModelView) -> int:
    return [name for name, _label in view._list_columns].index(SORT_COLUMN)


def _team_filter_index(view: ModelView) -> int:
    return next(i for i, flt in enumerate(view._filters)
                if getattr(flt, "column", None) is DebtorAccount.team_id)


def list_urls(app: Flask, rows: int) -> dict[str, tuple[str, str]]:
    """Return {case: (portal URL, plain URL)} for the list timings."""
    ours, plain = _view(app, "accounts"), _view(app, "plain_accounts")
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).order_by(Team.id).offset(3).limit(1))
        cursor = _deep_cursor(ours, rows // 2)
    sort_ours = f"sort={_sort_index(ours)}&desc=1"
    sort_plain = f"sort={_sort_index(plain)}&desc=1"
    last_page = ours.count_cap // ours.page_size - 1
    return {
        "page 1": ("/accounts/", "/plain_accounts/"),
        "team filter + sort by DPD desc, page 1": (
            f"/accounts/?flt0_{_team_filter_index(ours)}={team_id}&{sort_ours}",
            f"/plain_accounts/?flt0_{_team_filter_index(plain)}={team_id}&{sort_plain}"),
        f"last numbered page (rows {last_page * 25 + 1:,}-{ours.count_cap:,}), sorted": (
            f"/accounts/?{sort_ours}&page={last_page}",
            f"/plain_accounts/?{sort_plain}&page={last_page}"),
        f"deep page (rows {rows // 2 + 1:,}-{rows // 2 + 25:,}), sorted": (
            f"/accounts/?{sort_ours}&after={cursor}",
            f"/plain_accounts/?{sort_plain}&page={rows // 2 // 25}"),
    }


def _deep_cursor(view: ModelView, position: int) -> str:
    """Return the portal's cursor for the row just before `position` in DPD-descending order."""
    from admin_views import listing

    order = view.list_order(SORT_COLUMN, True)
    columns = [part.column for part in order]
    values = db.session.execute(select(*columns).order_by(*listing.order_by_clauses(order))
                                .offset(position - 1).limit(1)).one()
    row = SimpleNamespace(**{part.key: value for part, value in zip(order, values, strict=True)})
    return listing.encode_cursor(order, row)
