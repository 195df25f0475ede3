"""Review rules in the portal: admins edit them through a friendly form; bad data never saves."""

import re

import pytest
from sqlalchemy import select

from admin_views.review_rules import ReviewRuleView
from models import WorkflowRule
from portal.extensions import db
from tests.conftest import AuthActions, csrf_token
from tests.test_proposals import review_rule
from tests.test_workflow import TOY  # a second workflow, so the form must follow the choice

URL = "/review-rules/"


@pytest.fixture
def rules_app(app):
    """The portal with the review rules view (registered here until init_admin does it)."""
    if "review_rules" not in app.blueprints:
        app.extensions["admin"][0].add_view(ReviewRuleView(
            WorkflowRule, name="Review rules", endpoint="review_rules", url="/review-rules",
            category="Administration"))
    return app


@pytest.fixture
def admin(rules_app, auth):
    auth.login("admin")
    return auth.client


def rule_form(client, **overrides) -> dict:
    """Return a filled-in new-rule form for procedures, CSRF token included."""
    page = client.get(URL + "new/").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "workflow": "redline_proposal",
            "shown_workflow": "redline_proposal", "rule_key": "procedure",
            "approvals_required": "1", "reviewer_roles": ["reviewer", "compliance_editor"],
            "compliance_signoff": "y", "sla_submitted": "48", "sla_in_review": "96.5",
            "sla_changes_requested": "", "description": "Procedures: one reviewer."}
    form.update(overrides)
    return form


def stored_rules(app) -> dict[str, WorkflowRule]:
    with app.app_context():
        rules = db.session.scalars(select(WorkflowRule)).all()
        db.session.expunge_all()
        return {r.rule_key: r for r in rules}


def test_admin_creates_a_rule_with_hours_per_state(rules_app, admin):
    page = admin.get(URL + "new/").get_data(as_text=True)
    for label in ("Applies to", "Procedure", "Reviewer roles", "Compliance editor",
                  "SLA hours: Submitted", "SLA hours: In review", "SLA hours: Draft"):
        assert label in page
    assert "SLA hours: Published" not in page  # a finished item waits for nothing
    response = admin.post(URL + "new/", data=rule_form(admin))
    assert response.status_code == 302
    rule = stored_rules(rules_app)["procedure"]
    assert (rule.workflow, rule.approvals_required, rule.compliance_signoff) == \
        ("redline_proposal", 1, True)
    assert rule.reviewer_roles == ["compliance_editor", "reviewer"]
    assert rule.sla_hours == {"submitted": 48, "in_review": 96.5}
    listing = admin.get(URL).get_data(as_text=True)
    assert "Submitted: 48 h · In review: 96.5 h" in listing
    assert "Redline proposals" in listing and "Compliance editor" in listing


BAD_DATA = [
    ("sla_in_review", "-5", "above 0 and at most 8784"),
    ("sla_in_review", "nan", "above 0 and at most 8784"),
    ("sla_submitted", "9000", "above 0 and at most 8784"),
    ("sla_submitted", "two days", "Not a valid float value"),
    ("approvals_required", "0", "between 1 and 20"),
    ("reviewer_roles", [], "Choose at least one role"),
    ("reviewer_roles", ["chief"], "is not a valid choice"),
    ("rule_key", "Policy; DROP", "Not a valid choice"),
    ("workflow", "no_such_flow", "Not a valid choice"),
    ("description", "x" * 2001, "longer than 2000"),
]


def test_bad_data_is_refused_and_nothing_is_saved(rules_app, admin):
    for field, value, message in BAD_DATA:
        response = admin.post(URL + "new/", data=rule_form(admin, **{field: value}))
        assert response.status_code == 200, field
        assert message in response.get_data(as_text=True), (field, value)
    assert stored_rules(rules_app) == {}


def test_a_second_rule_for_the_same_category_is_refused(rules_app, admin):
    with rules_app.app_context():
        review_rule(category="procedure")
        db.session.commit()
    response = admin.post(URL + "new/", data=rule_form(admin), follow_redirects=True)
    assert "There is already a rule of Redline proposals for Procedure" in \
        response.get_data(as_text=True)
    assert len(stored_rules(rules_app)) == 1


def test_editing_shows_the_hours_and_clearing_one_removes_that_limit(rules_app, admin):
    with rules_app.app_context():
        rule_id = review_rule().id  # policy: submitted 24, in_review 72, changes_requested 120
        db.session.commit()
    page = admin.get(f"{URL}edit/?id={rule_id}").get_data(as_text=True)
    assert 'value="72"' in re.search(r'<input[^>]*name="sla_in_review"[^>]*>', page).group(0)
    assert "toy_claim" not in page.split('name="workflow"')[1].split("</select>")[0]
    form = {"csrf_token": csrf_token(page), "workflow": "redline_proposal",
            "rule_key": "policy", "approvals_required": "2", "reviewer_roles": ["reviewer"],
            "sla_submitted": "12", "sla_in_review": "72", "sla_changes_requested": "",
            "description": "Policies need two reviewers", "edit_version": "1"}
    assert admin.post(f"{URL}edit/?id={rule_id}", data=form).status_code == 302
    assert stored_rules(rules_app)["policy"].sla_hours == {"submitted": 12, "in_review": 72}
    stale = admin.post(f"{URL}edit/?id={rule_id}", data={**form, "sla_submitted": "1"},
                       follow_redirects=True)  # the form still carries version 1
    assert "Someone else saved a newer version" in stale.get_data(as_text=True)
    assert stored_rules(rules_app)["policy"].sla_hours["submitted"] == 12


def test_choosing_another_workflow_shows_its_fields_before_saving(rules_app, admin):
    assert TOY.name == "toy_claim"
    page = admin.get(URL + "new/?workflow=toy_claim").get_data(as_text=True)
    assert "SLA hours: Reviewed" in page and "SLA hours: In review" not in page
    switched = admin.post(URL + "new/", data=rule_form(admin, workflow="toy_claim",
                                                       rule_key="default"))
    body = switched.get_data(as_text=True)
    assert "now belong to this workflow" in body and "SLA hours: Reviewed" in body
    assert stored_rules(rules_app) == {}
    saved = admin.post(URL + "new/", data=rule_form(
        admin, workflow="toy_claim", shown_workflow="toy_claim", rule_key="default",
        sla_submitted="", sla_in_review="", sla_reviewed="8"))
    assert saved.status_code == 302
    assert stored_rules(rules_app)["default"].sla_hours == {"reviewed": 8}


WHO = [("admin", 200, True), ("compliance", 200, False), ("auditor", 200, False),
       ("reviewer1", 403, False), ("collector1", 403, False), ("lead", 403, False)]


def test_who_may_see_and_change_rules(rules_app):
    with rules_app.app_context():
        rule_id = review_rule(approvals=2).id
        db.session.commit()
    for approvals, (username, list_status, can_write) in enumerate(reversed(WHO), start=3):
        auth = AuthActions(rules_app.test_client())
        auth.login(username)
        client = auth.client
        assert client.get(URL).status_code == list_status, username
        assert client.get(URL + "new/").status_code == (200 if can_write else 403), username
        with rules_app.app_context():
            version = db.session.get(WorkflowRule, rule_id).version
        posted = client.post(f"{URL}edit/?id={rule_id}", data={
            "csrf_token": auth.token(), "workflow": "redline_proposal", "rule_key": "policy",
            "approvals_required": str(approvals), "reviewer_roles": ["reviewer"],
            "edit_version": str(version)})
        assert (posted.status_code == 302) is can_write, username
        with rules_app.app_context():
            stored = db.session.get(WorkflowRule, rule_id).approvals_required
        assert (stored == approvals) is can_write, username
