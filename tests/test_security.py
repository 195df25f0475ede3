"""Roles and row-level access: expected results are generated from the permission matrix."""

import pytest
from sqlalchemy import select

from models import Assignment, DebtorAccount, Role
from portal import security
from portal.extensions import db
from tests.conftest import user_named

ROLE_USERS = {Role.ADMIN: "admin", Role.COMPLIANCE_EDITOR: "compliance",
              Role.REVIEWER: "reviewer1", Role.TEAM_LEAD: "lead", Role.COLLECTOR: "collector1",
              Role.RISK_OFFICER: "risk", Role.FRAUD_ANALYST: "fraud", Role.AUDITOR: "auditor"}
LIST_PAGES = {"accounts": "/accounts/", "assignments": "/assignments/", "teams": "/teams/",
              "memberships": "/memberships/", "users": "/users/", "audit": "/audit/"}
CASES = [(role, area) for role in ROLE_USERS for area in LIST_PAGES]


def _expected(role: Role, permission: str) -> bool:
    return security.PERMISSIONS[permission].get(role, security.Scope.NONE) > security.Scope.NONE


@pytest.mark.parametrize(("role", "area"), CASES)
def test_list_pages_open_exactly_as_the_matrix_says(auth, client, role, area):
    auth.login(ROLE_USERS[role])
    response = client.get(LIST_PAGES[area])
    expected = 200 if _expected(role, f"{area}.view") else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_create_pages_open_exactly_as_the_matrix_says(auth, client, role):
    auth.login(ROLE_USERS[role])
    response = client.get("/accounts/new/")
    expected = 200 if _expected(role, "accounts.create") else 403
    assert response.status_code == expected


def _ids(app, clause):
    with app.app_context():
        return set(db.session.scalars(select(DebtorAccount.id).where(clause)))


def _listed_account_numbers(client, page_size=100) -> set[str]:
    html = client.get(f"/accounts/?page_size={page_size}").get_data(as_text=True)
    return {n for n in _all_numbers(html)}


def _all_numbers(html: str) -> list[str]:
    import re
    return re.findall(r"VN\d{10}", html)


def test_collector_lists_only_own_accounts(app, auth, client):
    auth.login("collector1")
    with app.app_context():
        me = user_named("collector1").id
        mine = set(db.session.scalars(select(DebtorAccount.account_number)
                                      .where(DebtorAccount.collector_id == me)))
    assert mine, "demo data gives collector1 some accounts"
    assert _listed_account_numbers(client) == mine


def test_team_lead_lists_only_team_accounts(app, auth, client):
    auth.login("lead")
    with app.app_context():
        lead = user_named("lead")
        team_ids = set(db.session.scalars(security.led_team_ids(lead)))
        expected = set(db.session.scalars(select(DebtorAccount.account_number)
                                          .where(DebtorAccount.team_id.in_(team_ids))))
    assert _listed_account_numbers(client) == expected


def _other_collectors_account(app) -> int:
    with app.app_context():
        me = user_named("collector1").id
        return db.session.scalar(select(DebtorAccount.id).where(
            DebtorAccount.collector_id != me).limit(1))


@pytest.mark.parametrize("path", ["/accounts/details/?id={}", "/accounts/edit/?id={}"])
def test_another_collectors_account_by_id_is_not_found(app, auth, client, path):
    other = _other_collectors_account(app)
    auth.login("collector1")
    response = client.get(path.format(other))
    assert response.status_code in (403, 404)
    with app.app_context():
        number = db.session.get(DebtorAccount, other).account_number
    assert number not in response.get_data(as_text=True)


def test_team_lead_cannot_open_another_teams_account(app, auth, client):
    with app.app_context():
        lead = user_named("lead")
        outside = db.session.scalar(select(DebtorAccount.id).where(
            DebtorAccount.team_id.not_in(security.led_team_ids(lead))).limit(1))
    auth.login("lead")
    assert client.get(f"/accounts/details/?id={outside}").status_code == 404
    token = auth.token("/accounts/")
    response = client.post(f"/accounts/edit/?id={outside}",
                           data={"csrf_token": token, "status": "closed"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(DebtorAccount, outside).status != "closed"


def test_collector_cannot_delete_or_export(app, auth, client):
    mine = _ids(app, DebtorAccount.collector_id.isnot(None))
    auth.login("collector1")
    token = auth.token("/accounts/")
    client.post("/accounts/delete/", data={"csrf_token": token, "id": min(mine)})
    with app.app_context():
        assert db.session.get(DebtorAccount, min(mine)) is not None
    assert client.get("/accounts/export/csv/").status_code == 403


def test_team_lead_export_contains_only_team_rows(app, auth, client):
    auth.login("lead")
    body = client.get("/accounts/export/csv/").get_data(as_text=True)
    with app.app_context():
        lead = user_named("lead")
        expected = set(db.session.scalars(select(DebtorAccount.account_number).where(
            DebtorAccount.team_id.in_(security.led_team_ids(lead)))))
    assert set(_all_numbers(body)) == expected


def test_bulk_action_ignores_rows_outside_scope(app, auth, client):
    """A team lead posting another team's ids to the reassign action moves nothing."""
    with app.app_context():
        lead = user_named("lead")
        outside = db.session.scalar(select(DebtorAccount.id).where(
            DebtorAccount.team_id.not_in(security.led_team_ids(lead))).limit(1))
        before = db.session.get(DebtorAccount, outside).collector_id
        team_id = db.session.scalar(security.led_team_ids(lead))
        collector = user_named("collector2").id
    auth.login("lead")
    token = auth.token("/accounts/")
    response = client.post("/accounts/reassign/", data={
        "csrf_token": token, "account_id": [outside], "target": f"{team_id}:{collector}",
        "reason": "sneaky"})
    assert response.status_code == 400
    assert "outside your access" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DebtorAccount, outside).collector_id == before
        assert db.session.scalar(select(Assignment).where(Assignment.reason == "sneaky")) is None


@pytest.mark.parametrize(("username", "sees_id", "sees_phone"), [
    ("admin", True, True), ("fraud", True, True), ("auditor", True, False),
    ("risk", False, False), ("collector1", False, True), ("lead", False, True)])
def test_personal_data_is_masked_by_role(app, auth, client, username, sees_id, sees_phone):
    with app.app_context():
        user = user_named(username)
        account = db.session.scalars(select(DebtorAccount).where(
            security.account_filter(user)).limit(1)).one()
        account_id, national_id, phone = account.id, account.national_id, account.phone_primary
    auth.login(username)
    html = client.get(f"/accounts/details/?id={account_id}").get_data(as_text=True)
    assert (national_id in html) is sees_id
    assert (phone in html) is sees_phone
    assert security.mask(national_id) in html or sees_id


def test_domain_reassign_refuses_roles_without_permission(app, ctx):
    from models.errors import PermissionDenied
    from portal.accounts import reassign_accounts

    collector = user_named("collector1")
    with pytest.raises(PermissionDenied):
        reassign_accounts(db.session, collector, [1], 1, collector.id, "because")
