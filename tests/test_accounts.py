"""Debtor accounts: derived delinquency, field rules, stale edits and reassignment."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import Assignment, AuditEntry, DebtorAccount
from models.account import Bucket, DebtGroup, bucket_for, debt_group_for
from models.errors import ValidationError
from portal import security
from portal.extensions import db
from tests.conftest import csrf_token, user_named


@pytest.mark.parametrize(("dpd", "bucket", "group"), [
    (0, Bucket.CURRENT, DebtGroup.STANDARD), (9, Bucket.B1, DebtGroup.STANDARD),
    (10, Bucket.B1, DebtGroup.SPECIAL_MENTION), (30, Bucket.B1, DebtGroup.SPECIAL_MENTION),
    (31, Bucket.B2, DebtGroup.SPECIAL_MENTION), (90, Bucket.B3, DebtGroup.SPECIAL_MENTION),
    (91, Bucket.B4, DebtGroup.SUBSTANDARD), (180, Bucket.B4, DebtGroup.SUBSTANDARD),
    (181, Bucket.B5, DebtGroup.DOUBTFUL), (360, Bucket.B5, DebtGroup.DOUBTFUL),
    (361, Bucket.B6, DebtGroup.LOSS)])
def test_bucket_and_debt_group_follow_days_past_due(dpd, bucket, group):
    assert bucket_for(dpd) is bucket
    assert debt_group_for(dpd) is group
    account = DebtorAccount(days_past_due=dpd)
    assert (account.bucket, account.debt_group) == (bucket.value, int(group))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("customer_name", "<script>alert(1)</script>", "must not contain"),
    ("customer_name", "x" * 201, "longer than 200"),
    ("customer_name", "Nguyễn\u202eVăn", "invisible or control"),
    ("national_id", "12345", "9 or 12 digits"),
    ("account_number", "ab", "6-32"),
    ("outstanding_principal", "-5", "zero or more"),
    ("days_past_due", "-1", "between 0"),
    ("product", "yacht", "must be one of"),
])
def test_field_rules_refuse_bad_values(field, value, message):
    with pytest.raises(ValidationError, match=message):
        setattr(DebtorAccount(), field, value)


def _edit_page(client, account_id):
    html = client.get(f"/accounts/edit/?id={account_id}").get_data(as_text=True)
    version = re.search(r'name="edit_version" type="hidden" value="(\d+)"', html) or \
        re.search(r'id="edit_version" name="edit_version" type="hidden" value="(\d+)"', html)
    assert version, "the edit form carries the record version"
    return csrf_token(html), version.group(1), html


def _form_of(account: DebtorAccount) -> dict:
    return {name: getattr(account, name) for name in (
        "account_number", "customer_name", "national_id", "phone_primary", "phone_secondary",
        "product", "outstanding_principal", "overdue_interest", "fees", "days_past_due",
        "region", "status")}


def test_admin_edit_with_script_tag_is_refused_and_changes_nothing(app, auth, client):
    with app.app_context():
        account = db.session.scalars(select(DebtorAccount).limit(1)).one()
        form, before = _form_of(account), account.customer_name
    auth.login("admin")
    token, version, _html = _edit_page(client, account.id)
    form.update(csrf_token=token, edit_version=version, customer_name="<b>Boss</b>")
    response = client.post(f"/accounts/edit/?id={account.id}", data=form, follow_redirects=True)
    assert "must not contain" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DebtorAccount, account.id).customer_name == before


def test_stale_edit_is_refused_and_overwrites_nothing(app, auth, client):
    with app.app_context():
        account = db.session.scalars(select(DebtorAccount).limit(1)).one()
        form = _form_of(account)
    auth.login("admin")
    token, version, _html = _edit_page(client, account.id)
    # Someone else saves first.
    with app.app_context():
        other = db.session.get(DebtorAccount, account.id)
        other.customer_name = "Changed Elsewhere"
        db.session.commit()
    form.update(csrf_token=token, edit_version=version, customer_name="My Late Change")
    response = client.post(f"/accounts/edit/?id={account.id}", data=form, follow_redirects=True)
    assert "Someone else saved a newer version" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DebtorAccount, account.id).customer_name == "Changed Elsewhere"


def test_fresh_edit_saves_and_is_audited(app, auth, client):
    with app.app_context():
        account = db.session.scalars(select(DebtorAccount).limit(1)).one()
        form = _form_of(account)
    auth.login("admin")
    token, version, _html = _edit_page(client, account.id)
    form.update(csrf_token=token, edit_version=version, customer_name="Trần Văn Mới")
    response = client.post(f"/accounts/edit/?id={account.id}", data=form)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(DebtorAccount, account.id).customer_name == "Trần Văn Mới"
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert (entry.actor, entry.action, entry.entity) == ("admin", "update", "DebtorAccount")
        assert entry.changes["customer_name"]["after"] == "Trần Văn Mới"
        assert entry.request_id


def test_team_lead_edit_form_offers_only_permitted_fields(app, auth, client):
    with app.app_context():
        lead = user_named("lead")
        account_id = db.session.scalar(select(DebtorAccount.id).where(
            security.account_filter(lead)).limit(1))
    auth.login("lead")
    _token, _version, html = _edit_page(client, account_id)
    assert 'name="do_not_contact"' in html
    assert 'name="outstanding_principal"' not in html
    assert 'name="national_id"' not in html


def test_team_lead_reassigns_within_team_with_history_and_audit(app, auth, client):
    with app.app_context():
        lead = user_named("lead")
        c1, c2 = user_named("collector1"), user_named("collector2")
        team_id = db.session.scalar(security.led_team_ids(lead))
        ids = list(db.session.scalars(select(DebtorAccount.id).where(
            DebtorAccount.collector_id == c1.id).limit(3)))
        target = f"{team_id}:{c2.id}"
    auth.login("lead")
    list_page = client.get("/accounts/").get_data(as_text=True)
    token = csrf_token(list_page)
    form = client.post("/accounts/action/", data={"csrf_token": token, "action": "reassign",
                                                  "rowid": ids})
    assert form.status_code == 200
    assert "Reassign accounts" in form.get_data(as_text=True)
    done = client.post("/accounts/reassign/", data={
        "csrf_token": csrf_token(form.get_data(as_text=True)), "account_id": ids,
        "target": target, "reason": "Collector on annual leave"}, follow_redirects=True)
    assert len(ids) >= 2
    assert f"{len(ids)} account(s) reassigned" in done.get_data(as_text=True)
    with app.app_context():
        for account_id in ids:
            rows = db.session.scalars(select(Assignment).where(
                Assignment.account_id == account_id).order_by(Assignment.id)).all()
            assert [r.collector_id for r in rows] == [c1.id, c2.id]
            assert rows[0].ended_at is not None and rows[1].ended_at is None
            assert rows[1].reason == "Collector on annual leave"
            assert rows[1].assigned_by_id == lead.id
        audit = db.session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "Assignment", AuditEntry.action == "create",
            AuditEntry.actor == "lead")).all()
        assert len(audit) == len(ids)


def test_reassign_without_reason_is_refused(app, auth, client):
    with app.app_context():
        c1, c2 = user_named("collector1"), user_named("collector2")
        team_id = db.session.scalar(security.led_team_ids(user_named("lead")))
        account_id = db.session.scalar(select(DebtorAccount.id).where(
            DebtorAccount.collector_id == c1.id).limit(1))
    auth.login("lead")
    token = auth.token("/accounts/")
    response = client.post("/accounts/reassign/", data={
        "csrf_token": token, "account_id": [account_id], "target": f"{team_id}:{c2.id}",
        "reason": "   "})
    assert response.status_code == 400
    assert "reason is required" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DebtorAccount, account_id).collector_id == c1.id


def test_database_allows_one_active_assignment_per_account(app, ctx):
    account = db.session.scalars(select(DebtorAccount).limit(1)).one()
    current = db.session.scalars(select(Assignment).where(
        Assignment.account_id == account.id, Assignment.ended_at.is_(None))).one()
    db.session.add(Assignment(account_id=account.id, collector_id=current.collector_id,
                              team_id=current.team_id, reason="duplicate"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    count = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.account_id == account.id, Assignment.ended_at.is_(None)))
    assert count == 1


def test_deactivated_collector_cannot_take_accounts(app, ctx):
    from models.assignment import assign

    c2 = user_named("collector2")
    c2.active = False
    account = db.session.scalars(select(DebtorAccount).limit(1)).one()
    with pytest.raises(ValidationError, match="deactivated"):
        assign(db.session, [account], c2, account.team, "test", None)


def test_account_with_history_cannot_be_deleted(app, auth, client):
    with app.app_context():
        account_id = db.session.scalar(select(DebtorAccount.id).limit(1))
    auth.login("admin")
    token = auth.token("/accounts/")
    response = client.post("/accounts/delete/", data={"csrf_token": token, "id": account_id},
                           follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DebtorAccount, account_id) is not None


def test_admin_creates_account_and_duplicate_number_gets_clear_message(app, auth, client):
    auth.login("admin")
    page = client.get("/accounts/new/").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "account_number": "VN7777777777",
            "customer_name": "Hoàng Thị Lan", "national_id": "012345678901",
            "phone_primary": "0912345678", "phone_secondary": "", "product": "personal_loan",
            "outstanding_principal": "15000000", "overdue_interest": "120000", "fees": "0",
            "days_past_due": "45", "region": "Hà Nội", "status": "active"}
    assert client.post("/accounts/new/", data=form).status_code == 302
    again = client.post("/accounts/new/", data={**form, "csrf_token": csrf_token(
        client.get("/accounts/new/").get_data(as_text=True))}, follow_redirects=True)
    text = again.get_data(as_text=True)
    assert "Already exists." in text  # field-level message on the account number
    assert "INSERT" not in text and "debtor_accounts" not in text
    with app.app_context():
        created = db.session.scalars(select(DebtorAccount).where(
            DebtorAccount.account_number == "VN7777777777")).all()
        assert len(created) == 1 and created[0].debt_group == 2


def test_lists_show_labels_and_local_times_not_codes(app, auth, client):
    with app.app_context():
        account = db.session.scalars(select(DebtorAccount).where(
            DebtorAccount.product == "personal_loan").limit(1)).one()
        started = db.session.scalar(select(Assignment.started_at).order_by(
            Assignment.started_at.desc()).limit(1))
    auth.login("admin")
    details = client.get(f"/accounts/details/?id={account.id}").get_data(as_text=True)
    assert "Personal loan" in details and ">personal_loan<" not in details
    from datetime import UTC, timedelta
    local = (started.replace(tzinfo=started.tzinfo or UTC).astimezone(UTC)
             + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M")
    assert local in client.get("/").get_data(as_text=True)  # Asia/Ho_Chi_Minh is UTC+7
    audit = client.get("/audit/?flt0_action_equals=update").get_data(as_text=True)
    assert "&rarr;" in audit or "→" in audit
