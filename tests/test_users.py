"""Staff management: create with roles and password, deactivate, unlock."""

from sqlalchemy import select

from models import Role, User
from portal.extensions import db
from tests.conftest import csrf_token, user_named


def _new_user_form(client, **overrides):
    page = client.get("/users/new/").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "username": "newcollector",
            "full_name": "Lý Thị Hoa", "email": "hoa@collections.example.vn", "active": "y",
            "role_names": ["collector"], "new_password": "a-long-enough-password"}
    form.update(overrides)
    return form


def test_admin_creates_a_user_who_can_then_log_in(app, auth, client):
    auth.login("admin")
    response = client.post("/users/new/", data=_new_user_form(client))
    assert response.status_code == 302
    with app.app_context():
        user = user_named("newcollector")
        assert user.roles == {Role.COLLECTOR}
        assert user.password_hash.startswith("$argon2")
    auth.logout()
    assert auth.login("newcollector", "a-long-enough-password").status_code == 302


def test_short_password_is_refused_and_no_user_is_created(app, auth, client):
    auth.login("admin")
    response = client.post("/users/new/", data=_new_user_form(client, new_password="short"),
                           follow_redirects=True)
    assert "at least 12 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "newcollector")) is None


def test_new_user_without_password_is_refused(app, auth, client):
    auth.login("admin")
    response = client.post("/users/new/", data=_new_user_form(client, new_password=""),
                           follow_redirects=True)
    assert "needs an initial password" in response.get_data(as_text=True)


def test_deactivate_action_logs_the_user_out(app, auth, client):
    other = app.test_client()
    from tests.conftest import AuthActions
    AuthActions(other).login("collector2")
    assert other.get("/").status_code == 200
    with app.app_context():
        target = user_named("collector2").id
    auth.login("admin")
    token = auth.token("/users/")
    response = client.post("/users/action/", data={"csrf_token": token, "action": "deactivate",
                                                    "rowid": [target]}, follow_redirects=True)
    assert "1 user(s) deactivated" in response.get_data(as_text=True)
    assert other.get("/").status_code == 302
    with app.app_context():
        assert user_named("collector2").active is False


def test_admin_cannot_deactivate_themselves(app, auth, client):
    with app.app_context():
        me = user_named("admin").id
    auth.login("admin")
    token = auth.token("/users/")
    response = client.post("/users/action/", data={"csrf_token": token, "action": "deactivate",
                                                    "rowid": [me]}, follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert user_named("admin").active is True


def test_unlock_clears_a_lockout(app, auth, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("collector1", "wrong-password")
    with app.app_context():
        target = user_named("collector1").id
        assert user_named("collector1").locked_until is not None
    auth.login("admin")
    token = auth.token("/users/")
    client.post("/users/action/", data={"csrf_token": token, "action": "unlock",
                                        "rowid": [target]})
    with app.app_context():
        assert user_named("collector1").locked_until is None


def test_team_lead_sees_only_own_team_members(app, auth, client):
    auth.login("lead")
    html = client.get("/users/?page_size=100").get_data(as_text=True)
    assert "collector1" in html and "collector2" in html
    assert "Emily Nguyen" not in html and "Sarah Mitchell" not in html  # auditor, reviewer2
