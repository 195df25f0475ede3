"""Escalation notices: level 1 to the maker's team leads (or every lead), level 2 to admins."""

from datetime import date, timedelta

from sqlalchemy import select

from documents import proposals as props
from models import MembershipRole, Notification, Role, Team, TeamMembership, User, UserRole
from models.base import utcnow
from models.workflow import escalate_overdue
from portal.escalations import notify_escalations
from portal.extensions import db
from tests.conftest import user_named
from tests.test_proposals import proposal_on_policy
from tests.test_workflow import T0, add_rule
from tests.test_workflow import submitted as submitted_claim

SUBMITTED_SLA = timedelta(hours=24)  # review_rule(): submitted 24 h


def overdue_proposal(hours_late: float = 1):
    """A policy proposal submitted so long ago that its 24-hour SLA ran out `hours_late` ago."""
    proposal = proposal_on_policy()
    submitted_at = utcnow() - SUBMITTED_SLA - timedelta(hours=hours_late)
    props.submit(db.session, user_named("compliance"), proposal, now=submitted_at)
    db.session.commit()
    return proposal


def told(kind: str = "escalation") -> list[str]:
    return sorted(db.session.scalars(select(User.username).join(Notification.user).where(
        Notification.kind == kind)))


def usernames_with(role: Role) -> list[str]:
    return sorted(db.session.scalars(select(User.username).join(
        UserRole, UserRole.user_id == User.id).where(UserRole.role == role.value)))


def test_a_maker_without_team_escalates_to_every_team_lead_then_to_admins(ctx):
    proposal = overdue_proposal()
    first = escalate_overdue(db.session)
    assert notify_escalations(db.session, first) == len(usernames_with(Role.TEAM_LEAD))
    assert told() == usernames_with(Role.TEAM_LEAD) and len(told()) == 8
    note = db.session.scalars(select(Notification).where(Notification.kind == "escalation")).first()
    assert note.link == f"/proposals/p/{proposal.id}/"
    assert note.text.startswith(f"Proposal #{proposal.id} on COL-POL-007 is overdue: submitted "
                                "since ")
    assert note.text.endswith("It is escalated to you as team lead.")
    later = escalate_overdue(db.session, utcnow() + SUBMITTED_SLA)
    assert [e.level for e in later] == [2]
    notify_escalations(db.session, later)
    heads = db.session.scalars(select(Notification).where(
        Notification.kind == "escalation", Notification.user_id == user_named("admin").id)).all()
    assert [n.text.endswith("as department head.") for n in heads] == [True]


def test_level_one_goes_to_the_leads_of_the_makers_teams(ctx):
    team = db.session.scalar(select(Team).where(Team.name == "Recovery & Legal"))
    db.session.add(TeamMembership(team=team, user=user_named("compliance"),
                                  role_in_team=MembershipRole.SUPPORT.value,
                                  from_date=date(2024, 1, 2)))
    overdue_proposal()
    notify_escalations(db.session, escalate_overdue(db.session))
    assert told() == [team.lead.username]


def test_escalate_command_queues_the_notices(app):
    with app.app_context():
        overdue_proposal()
    result = app.test_cli_runner().invoke(args=["workflow", "escalate"])
    assert result.exit_code == 0, result.output
    assert "escalated to level 1, team lead" in result.output
    assert "8 notices sent to team leads and department heads." in result.output
    with app.app_context():
        assert len(told()) == 8
    again = app.test_cli_runner().invoke(args=["workflow", "escalate"])
    assert "notices" not in again.output  # each level is told once


def test_other_items_are_named_by_type_and_id_only(ctx):
    add_rule(sla_hours={"submitted": 24})
    claim = submitted_claim("collector1")  # a collector of the Hà Nội Early Bucket, led by "lead"
    notify_escalations(db.session, escalate_overdue(db.session, T0 + timedelta(hours=25)))
    assert told() == ["lead"]
    note = db.session.scalars(select(Notification).where(Notification.kind == "escalation")).one()
    assert note.text == (f"test_toy_claims {claim.id} is overdue: submitted since 2030-03-04 "
                         "08:00 UTC, due 2030-03-05 08:00 UTC. It is escalated to you as team "
                         "lead.")
    assert note.link == ""
