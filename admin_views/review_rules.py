"""Review rules (low-code): who reviews, how many approvals, compliance sign-off, SLA hours.

The rule form is built per request for one workflow: its rule keys (document categories for
proposals) and one hours field per state an item can wait in. Choosing another workflow on a
new rule shows that workflow's fields before anything is saved. Amount bands, which no
workflow here uses yet, stay as they are (shown on the details page).
"""

import math

from flask import request
from flask_admin.form import BaseForm
from flask_admin.helpers import get_form_data
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select, true
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.validators import ValidationError as FieldError

from admin_views.base import PortalModelView
from models import WorkflowRule
from models.errors import ValidationError
from models.workflow import (
    DEFAULT_RULE_KEY,
    MAX_APPROVALS,
    MAX_SLA_HOURS,
    MAX_TEXT,
    subject_models,
    workflow_names,
)
from portal import labels
from portal.extensions import db

PREFERRED_WORKFLOW = "redline_proposal"
WORKFLOW_LABELS = {"redline_proposal": _l("Redline proposals")}
STATE_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"),
                "in_review": _l("In review"), "changes_requested": _l("Changes requested"),
                "approved": _l("Approved")}
# Per workflow, the (key, label) pairs a rule can apply to; "default" covers the rest.
RULE_KEY_CHOICES = {"redline_proposal": lambda: labels.choices(labels.DOCUMENT_CATEGORY)}
SLA_PREFIX = "sla_"


def workflow_label(name: str) -> str:
    """Return a workflow's name as users read it."""
    return str(WORKFLOW_LABELS.get(name, name.replace("_", " ").capitalize()))


def state_label(state: str) -> str:
    """Return a state's name as users read it."""
    return str(STATE_LABELS.get(state, state.replace("_", " ").capitalize()))


def rule_key_choices(workflow: str, current: str | None = None) -> list[tuple[str, str]]:
    """Return what a rule of this workflow can apply to: "default" first, then its keys."""
    found = [(DEFAULT_RULE_KEY, _("Default: everything no other rule names"))]
    found += [(key, str(label)) for key, label in RULE_KEY_CHOICES.get(workflow, list)()]
    if current and current not in {key for key, _label in found}:
        found.append((current, current))  # written outside the portal: keep it choosable
    return found


def open_states(workflow: str) -> list[str]:
    """Return the states of a workflow an item can wait in (each may have an SLA)."""
    known = {model.workflow.name: model.workflow for model in subject_models()}.get(workflow)
    return known.non_terminal() if known else []


def _hours(form, field) -> None:
    if field.data is not None and (not math.isfinite(field.data)
                                   or not 0 < field.data <= MAX_SLA_HOURS):
        raise FieldError(_("Give hours above 0 and at most %(n)d, or leave it empty for no "
                           "time limit.", n=MAX_SLA_HOURS))


class AtLeastOneRole(DataRequired):
    """A rule naming no reviewer role would let nobody review (and block every submission)."""

    def __call__(self, form, field) -> None:
        if not field.data:
            # A plain string: Flask-Admin shows only string errors, never lazy ones.
            raise StopValidation(_("Choose at least one role: otherwise nobody can review."))


class ReviewRuleForm(BaseForm):
    """The fields every rule has; the SLA fields are added per workflow (see rule_form)."""

    workflow = SelectField(_l("Workflow"), validators=[InputRequired()])
    shown_workflow = HiddenField()  # the workflow whose fields the user saw
    rule_key = SelectField(_l("Applies to"), validators=[InputRequired()],
                           description=_l("For proposals: the document category. The default "
                                          "rule covers every category without its own rule."))
    approvals_required = IntegerField(
        _l("Approvals required"), validators=[InputRequired(), NumberRange(1, MAX_APPROVALS)],
        description=_l("How many different reviewers must approve; the author never counts."))
    reviewer_roles = SelectMultipleField(
        _l("Reviewer roles"), choices=labels.choices(labels.ROLE),
        validators=[AtLeastOneRole()],
        description=_l("Reviewers are picked automatically among active users holding any of "
                       "these roles."))
    compliance_signoff = BooleanField(
        _l("Compliance sign-off required"),
        description=_l("A compliance editor must sign off as well before approval."))
    edit_version = HiddenField()

    def validate_workflow(self, field) -> None:
        """Show the chosen workflow's fields before saving, if the user switched workflows."""
        if self.shown_workflow.data and field.data != self.shown_workflow.data:
            self.shown_workflow.data = field.data
            raise FieldError(_("The fields below now belong to this workflow: check them and "
                               "save again."))


def rule_form(workflow: str) -> type[ReviewRuleForm]:
    """Return the rule form of one workflow: an hours field per state, then the description."""
    fields = {f"{SLA_PREFIX}{state}": FloatField(
        _l("SLA hours: %(state)s", state=state_label(state)), validators=[Optional(), _hours],
        description=_l("Time an item may wait in this state before it is escalated; empty for "
                       "no time limit.")) for state in open_states(workflow)}
    fields["description"] = TextAreaField(_l("Description"),
                                          validators=[Optional(), Length(max=MAX_TEXT)])
    return type("ReviewRuleForm", (ReviewRuleForm,), fields)


def _workflow_cell(view, context, model, name):
    return workflow_label(model.workflow)


def _rule_key_cell(view, context, model, name):
    return dict(rule_key_choices(model.workflow, model.rule_key)).get(model.rule_key)


def _roles_cell(view, context, model, name):
    return Markup(" ").join(Markup('<span class="badge badge-info">{}</span>').format(
        labels.label(labels.ROLE, role)) for role in model.reviewer_roles or [])


def _sla_cell(view, context, model, name):
    hours = model.sla_hours or {}
    return " · ".join(_("%(state)s: %(n)s h", state=state_label(state), n=hours[state])
                      for state in open_states(model.workflow) if state in hours) or _("none")


class ReviewRuleView(PortalModelView):
    """The review rules of every workflow, as administrators edit them."""

    permission = "review_rules"
    form = ReviewRuleForm
    column_list = ["workflow", "rule_key", "approvals_required", "reviewer_roles",
                   "compliance_signoff", "sla_hours", "description"]
    column_details_list = [*column_list, "min_amount", "max_amount", "updated_at"]
    column_labels = {"workflow": _l("Workflow"), "rule_key": _l("Applies to"),
                     "approvals_required": _l("Approvals required"),
                     "reviewer_roles": _l("Reviewer roles"),
                     "compliance_signoff": _l("Compliance sign-off"),
                     "sla_hours": _l("SLA hours"), "description": _l("Description"),
                     "min_amount": _l("Minimum amount"), "max_amount": _l("Maximum amount"),
                     "updated_at": _l("Last changed")}
    column_formatters = {"workflow": _workflow_cell, "rule_key": _rule_key_cell,
                         "reviewer_roles": _roles_cell, "sla_hours": _sla_cell}
    column_sortable_list = ["workflow", "rule_key", "approvals_required"]
    column_default_sort = [("workflow", False), ("rule_key", False)]
    column_searchable_list = ["rule_key", "description"]
    form_widget_args = {"reviewer_roles": {"size": len(labels.ROLE)}}

    @property
    def transient_fields(self) -> tuple[str, ...]:
        states = {s for name in workflow_names() for s in open_states(name)}
        return ("shown_workflow", *sorted(f"{SLA_PREFIX}{s}" for s in states))

    def scope_clause(self):
        return true()  # rules hold no personal data: whoever may view them sees them all

    # --- forms ----------------------------------------------------------------------------
    def _requested_workflow(self) -> str:
        names = workflow_names()
        asked = request.form.get("workflow") or request.args.get("workflow")
        if asked in names:
            return asked
        return PREFERRED_WORKFLOW if PREFERRED_WORKFLOW in names else names[0]

    def _rule_form(self, workflow: str, choosable: list[str], obj=None) -> ReviewRuleForm:
        form = rule_form(workflow)(get_form_data(), obj=obj)
        form.workflow.choices = [(name, workflow_label(name)) for name in choosable]
        form.rule_key.choices = rule_key_choices(workflow, obj.rule_key if obj else None)
        if not form.shown_workflow.data:
            form.shown_workflow.data = workflow
        return form

    def create_form(self, obj=None):
        form = self._rule_form(self._requested_workflow(), workflow_names(), obj)
        if request.method == "GET":
            form.workflow.data = form.shown_workflow.data
        return form

    def edit_form(self, obj=None):
        # A rule stays with its workflow: only that one is offered.
        form = self._rule_form(obj.workflow, [obj.workflow], obj)
        if request.method == "GET":
            form.edit_version.data = obj.version
            for state, hours in (obj.sla_hours or {}).items():
                if f"{SLA_PREFIX}{state}" in form:
                    form[f"{SLA_PREFIX}{state}"].data = hours
        return form

    # --- saving ---------------------------------------------------------------------------
    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        hours = {name.removeprefix(SLA_PREFIX): value for name, value in form.transient.items()
                 if name.startswith(SLA_PREFIX) and value is not None}
        model.sla_hours = {s: hours[s] for s in open_states(model.workflow) if s in hours}
        self._refuse_duplicate(model)

    def _refuse_duplicate(self, model: WorkflowRule) -> None:
        if model.banded():
            return
        with db.session.no_autoflush:
            clash = db.session.scalar(select(WorkflowRule.id).where(
                WorkflowRule.workflow == model.workflow, WorkflowRule.rule_key == model.rule_key,
                WorkflowRule.min_amount.is_(None), WorkflowRule.max_amount.is_(None),
                WorkflowRule.id != (model.id or 0)))
        if clash is not None:
            raise ValidationError("There is already a rule of %(workflow)s for %(key)s: edit "
                                  "that one instead.", workflow=workflow_label(model.workflow),
                                  key=dict(rule_key_choices(model.workflow)).get(
                                      model.rule_key, model.rule_key))

    def integrity_message(self, exc) -> str:
        return _("There is already a rule for this workflow and category: edit that one "
                 "instead.")
