"""Login, logout, lockout, session ending and redirect safety."""

import pytest

from portal.extensions import db
from tests.conftest import csrf_token, user_named

DEMO_USERS = ["admin", "compliance", "reviewer1", "reviewer2", "lead", "collector1",
              "collector2", "risk", "fraud", "auditor"]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_user_can_log_in_and_sees_the_dashboard(app, auth, client, username):
    response = auth.login(username)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    with app.app_context():
        assert user_named(username).full_name in page.get_data(as_text=True)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_wrong_password_is_refused_with_a_clear_message(auth):
    response = auth.login("admin", "not-the-password")
    assert response.status_code == 401
    assert "Invalid username or password" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "admin", "password": "demo-password"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures(auth, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("collector1", "wrong-password")
    response = auth.login("collector1")  # right password, but locked now
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)
    with app.app_context():
        assert user_named("collector1").locked_until is not None


def test_logout_requires_post(auth, client):
    auth.login("admin")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_ends_the_session_even_for_a_copied_cookie(auth, client, app):
    auth.login("admin")
    stolen = client.get_cookie("session").value
    auth.logout()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/").status_code == 302


def test_deactivation_ends_existing_sessions(app, auth, client):
    auth.login("collector2")
    assert client.get("/").status_code == 200
    with app.app_context():
        user = user_named("collector2")
        user.active = False
        user.end_sessions()
        db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["http://evil.example/", "//evil.example/", "/\\evil.example",
                                    "http:evil.example", "https:evil.example",
                                    "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, target):
    page = client.get("/login", query_string={"next": target})
    if page.status_code == 302:  # the guard dropped the foreign parameter
        assert page.headers["Location"].startswith("/login")
        page = client.get(page.headers["Location"])
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/login", query_string={"next": target},
                           data={"username": "admin", "password": "demo-password",
                                 "csrf_token": token})
    location = response.headers.get("Location", "")
    assert "evil" not in location and not location.startswith("javascript")


def test_local_next_is_followed(auth, client):
    page = client.get("/login?next=/teams/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/login?next=/teams/", data={"username": "admin",
                                                        "password": "demo-password",
                                                        "csrf_token": token})
    assert response.headers["Location"] == "/teams/"


def test_security_headers_are_set(auth, client):
    auth.login("admin")
    response = client.get("/accounts/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(auth, client):
    response = auth.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"
