"""Demo data: realistic, complete and loaded only once."""

from sqlalchemy import func, select

from models import Assignment, AuditEntry, DebtorAccount, Team, User
from models.account import Bucket
from portal.extensions import db


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Team, DebtorAccount, Assignment, AuditEntry)}


def test_seed_demo_twice_changes_nothing(app, runner):
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=["seed-demo", "--accounts", "120", "--no-documents"])
    assert result.exit_code == 0, result.output
    assert "0 new accounts" in result.output
    with app.app_context():
        assert _counts() == before


def test_demo_covers_every_bucket_and_assigns_every_account(app, ctx):
    buckets = set(db.session.scalars(select(DebtorAccount.bucket).distinct()))
    assert buckets == {b.value for b in Bucket}
    unassigned = db.session.scalar(select(func.count()).select_from(DebtorAccount).where(
        DebtorAccount.collector_id.is_(None)))
    assert unassigned == 0
    assert db.session.scalar(select(func.count()).select_from(Team)) == 8
    staff = db.session.scalar(select(func.count()).select_from(User))
    assert 55 <= staff <= 80
