"""Read and acknowledge: audience resolution, pending lists, rates and team oversight."""

import pytest
from sqlalchemy import func, select

from documents import acknowledgements as acks
from documents import repository as repo
from models import Role, Team, User
from models.errors import InvalidTransition, PermissionDenied, ValidationError
from portal.extensions import db
from tests.conftest import user_named
from tests.test_documents import new_document, policy_blocks, published

EARLY = "Hà Nội Early Bucket"


def team(name: str) -> Team:
    return db.session.scalar(select(Team).where(Team.name == name))


def test_audience_is_roles_or_team_members(ctx):
    document = new_document(audience_roles=("collector",), audience_teams=(team(EARLY),))
    published(document, "Rule.")
    assert acks.in_audience(db.session, document, user_named("collector1"))
    assert acks.in_audience(db.session, document, user_named("lead"))  # member of the team
    assert not acks.in_audience(db.session, document, user_named("reviewer1"))


def test_no_audience_named_means_all_active_staff(ctx):
    document = new_document()
    version = published(document, "Rule.")
    active = db.session.scalar(select(func.count()).select_from(User).where(User.active))
    assert acks.rate(db.session, version).audience == active


def test_pending_until_acknowledged_then_gone(ctx):
    document = new_document(audience_roles=("collector",))
    version = published(document, "Rule.")
    collector = user_named("collector1")
    assert acks.pending_for(db.session, collector) == [version]
    acks.acknowledge(db.session, collector, version)
    acks.acknowledge(db.session, collector, version)  # a second click changes nothing
    assert acks.pending_for(db.session, collector) == []
    assert acks.rate(db.session, version).acknowledged == 1
    assert acks.pending_for(db.session, user_named("reviewer1")) == []


def test_new_version_needs_a_new_acknowledgement(ctx):
    document = new_document(audience_roles=("collector",))
    v1 = published(document, "Rule.")
    collector = user_named("collector1")
    acks.acknowledge(db.session, collector, v1)
    v2 = published(document, "Stricter rule.")
    assert acks.pending_for(db.session, collector) == [v2]
    with pytest.raises(InvalidTransition, match="in force"):
        acks.acknowledge(db.session, collector, v1)


def test_outside_the_audience_cannot_acknowledge(ctx):
    document = new_document(audience_roles=("collector",))
    version = published(document, "Rule.")
    with pytest.raises(ValidationError, match="not addressed"):
        acks.acknowledge(db.session, user_named("reviewer1"), version)


def test_rate_counts_only_the_audience(ctx):
    document = new_document(audience_teams=(team(EARLY),))
    version = published(document, "Rule.")
    audience = acks.rate(db.session, version).audience
    members = acks.audience_status(db.session, user_named("admin"), version)
    assert audience == len(members) and audience >= 3
    acks.acknowledge(db.session, user_named("collector2"), version)
    got = acks.rate(db.session, version)
    assert (got.acknowledged, got.percent) == (1, round(100 / audience))


def test_team_lead_sees_own_team_not_acknowledged_first(ctx):
    document = new_document(audience_roles=("collector",))
    version = published(document, "Rule.")
    acks.acknowledge(db.session, user_named("collector1"), version)
    statuses = acks.audience_status(db.session, user_named("lead"), version)
    names = [s.user.username for s in statuses]
    assert "collector1" in names and "collector2" in names
    # Collectors of other teams stay out of the lead's view.
    everyone = acks.audience_status(db.session, user_named("admin"), version)
    assert len(everyone) > len(statuses)
    assert statuses[-1].user.username == "collector1"  # acknowledged ones last
    assert statuses[0].acknowledged_at is None


def test_collectors_cannot_see_who_acknowledged(ctx):
    document = new_document()
    version = published(document, "Rule.")
    with pytest.raises(PermissionDenied):
        acks.audience_status(db.session, user_named("collector1"), version)


def test_deactivated_staff_leave_the_audience(ctx):
    document = new_document(audience_roles=("collector",))
    version = published(document, "Rule.")
    before = acks.rate(db.session, version).audience
    user_named("collector2").active = False
    db.session.flush()
    assert acks.rate(db.session, version).audience == before - 1
    assert Role.COLLECTOR in user_named("collector2").roles


def test_draft_cannot_be_acknowledged(ctx):
    document = new_document()
    draft = repo.add_version(db.session, user_named("compliance"), document,
                             policy_blocks("Draft."))
    with pytest.raises(InvalidTransition):
        acks.acknowledge(db.session, user_named("collector1"), draft)
