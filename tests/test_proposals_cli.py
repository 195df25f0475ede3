"""`flask proposals ...`: the same maker-checker rules as the portal pages."""

from portal.extensions import db
from tests.test_proposals import submitted


def test_self_approval_refused_on_the_command_line(runner, app):
    with app.app_context():
        proposal_id = submitted().id
        db.session.commit()
    result = runner.invoke(args=["proposals", "approve", str(proposal_id), "--as", "compliance"])
    assert result.exit_code == 1
    assert "reviewer" in result.output or "maker" in result.output


def test_two_approvals_then_publish(runner, app):
    with app.app_context():
        proposal_id = submitted().id
        db.session.commit()
    first = runner.invoke(args=["proposals", "approve", str(proposal_id), "--as", "reviewer1"])
    assert first.exit_code == 0 and "More approvals are needed" in first.output
    early = runner.invoke(args=["proposals", "publish", str(proposal_id)])
    assert early.exit_code == 1
    second = runner.invoke(args=["proposals", "approve", str(proposal_id), "--as", "reviewer2"])
    assert second.exit_code == 0 and "review is complete" in second.output
    done = runner.invoke(args=["proposals", "publish", str(proposal_id)])
    assert done.exit_code == 0 and "version 2" in done.output
    listed = runner.invoke(args=["proposals", "list", "--status", "published"])
    assert f"#{proposal_id}\tpublished" in listed.output
