"""The audit chain: every change recorded, tampering named by `audit verify`."""

import threading

import pytest
from sqlalchemy import select, text, update

from models import AuditEntry, Team
from portal import audit
from portal.extensions import db
from tests.conftest import csrf_token, user_named


def _verify(app):
    with app.app_context():
        return audit.verify(db.session, app.config["AUDIT_KEY"].encode())


def test_demo_data_chain_verifies(app):
    result = _verify(app)
    assert result.ok and result.checked > 100


def test_create_update_delete_through_the_portal_are_recorded(app, auth, client):
    auth.login("admin")
    page = client.get("/teams/new/").get_data(as_text=True)
    client.post("/teams/new/", data={"csrf_token": csrf_token(page), "name": "Hải Phòng Team",
                                     "region": "Hải Phòng", "bucket_focus": "all"})
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "Hải Phòng Team"))
        team_id, version = team.id, team.version
    page = client.get(f"/teams/edit/?id={team_id}").get_data(as_text=True)
    client.post(f"/teams/edit/?id={team_id}", data={
        "csrf_token": csrf_token(page), "name": "Hải Phòng Team", "region": "Hải Phòng",
        "bucket_focus": "1-30", "edit_version": version})
    token = auth.token("/teams/")
    client.post("/teams/delete/", data={"csrf_token": token, "id": team_id})
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "Team", AuditEntry.entity_id == str(team_id))
            .order_by(AuditEntry.seq)).all()
        assert [e.action for e in entries] == ["create", "update", "delete"]
        assert all(e.actor == "admin" for e in entries)
        assert entries[1].changes == {"bucket_focus": {"before": "all", "after": "1-30"}}
        assert entries[2].changes["name"] == "Hải Phòng Team"
    assert _verify(app).ok


def test_password_hashes_never_enter_the_audit_trail(app, ctx):
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "User")).all()
    assert entries
    assert all(e.changes.get("password_hash") == "[secret]" for e in entries)


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 5",
    "UPDATE audit_entries SET changes = '{}' WHERE seq = 7",
    "DELETE FROM audit_entries WHERE seq = 9",
])
def test_verify_names_the_first_bad_entry(app, tamper):
    with app.app_context():
        db.session.execute(text(tamper))
        db.session.commit()
    result = _verify(app)
    assert not result.ok
    assert any(f"seq {n}" in result.message or f"sequence {n}" in result.message
               or f"where {n} was expected" in result.message for n in (5, 7, 9, 10))


def test_verify_detects_swapped_entries(app):
    with app.app_context():
        a, b = db.session.scalars(select(AuditEntry).where(AuditEntry.seq.in_([3, 4]))
                                  .order_by(AuditEntry.seq)).all()
        payload = {k: getattr(b, k) for k in ("actor", "action", "entity", "entity_id",
                                               "changes", "at")}
        db.session.execute(update(AuditEntry).where(AuditEntry.id == a.id).values(**payload))
        db.session.commit()
    result = _verify(app)
    assert not result.ok and "seq 3" in result.message


def test_verify_detects_entries_cut_from_the_end(app):
    with app.app_context():
        last = db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()))
        db.session.execute(text(f"DELETE FROM audit_entries WHERE seq = {last}"))
        db.session.commit()
    result = _verify(app)
    assert not result.ok and "removed from the end" in result.message


def test_cli_verify_exit_codes(app, runner):
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    with app.app_context():
        db.session.execute(text("UPDATE audit_entries SET entity_id = '999' WHERE seq = 2"))
        db.session.commit()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and "seq 2" in bad.output


def test_concurrent_writers_keep_one_unbroken_chain(app):
    """Four threads, each with its own session and connection, append at once."""
    errors = []

    def worker(n):
        try:
            with app.app_context():
                for i in range(10):
                    user = user_named(f"col2{(n % 6) + 1}")
                    user.failed_logins = i + 1
                    db.session.commit()
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = _verify(app)
    assert result.ok, result.message
    with app.app_context():
        seqs = list(db.session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert seqs == list(range(1, len(seqs) + 1))
