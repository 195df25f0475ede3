"""Sweeps generated from the application's own URL map: anonymous access and CSRF."""

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
    return rule.rule.replace("<export_type>", "csv").replace("<path:filename>", "x.css")


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
