"""Sweeps generated from the application's own URL map: anonymous access and CSRF."""

import re

import pytest
from sqlalchemy import func, select

from models import AuditEntry
from portal import create_app
from portal.extensions import db

PUBLIC = {"/login", "/healthz"}


def _rules():
    app = create_app({"SKIP_ENVIRONMENT": True, "SECRET_KEY": "x", "AUDIT_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": "/tmp"})
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def _path(rule) -> str:
    """Fill a rule's placeholders with values its converters accept."""
    path = rule.rule.replace("<export_type>", "csv").replace("<path:filename>", "x.css")
    path = re.sub(r"<int:\w+>", "1", path)
    return re.sub(r"<(?:string:)?\w+>", "X-1", path)


RULES = _rules()
GET_RULES = [r for r in RULES if "GET" in r.methods and not r.endpoint.endswith("static")]
POST_RULES = [r for r in RULES if "POST" in r.methods]


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.rule)
def test_anonymous_get_is_sent_to_login(client, rule):
    response = client.get(_path(rule))
    if rule.rule in PUBLIC:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda r: r.rule)
def test_post_without_csrf_token_is_refused_and_changes_nothing(app, auth, client, rule):
    auth.login("admin")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.post(_path(rule), data={"id": "1", "action": "deactivate",
                                              "rowid": ["1", "2"], "name": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def _filter_urls(app):
    """Yield one list URL per filter of every model view, with a value of the right kind."""
    admin = app.extensions["admin"][0]
    for view in admin._views:
        for index, flt in enumerate(getattr(view, "_filters", None) or []):
            options = flt.get_options(view)
            value = next(iter(options))[0] if options else "1"
            if "Between" in type(flt).__name__:
                value = "2024-01-01 00:00:00 to 2030-01-01 00:00:00"
            yield f"{view.url}/?flt0_{view.get_filter_arg(index, flt)}={value}"


def test_every_filter_of_every_list_answers_without_error(app, auth, client):
    auth.login("admin")
    with app.test_request_context():
        urls = list(_filter_urls(app))
    assert len(urls) > 15
    for url in urls:
        assert client.get(url).status_code == 200, url
