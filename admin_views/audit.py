"""The audit trail, read-only, for administrators and auditors."""

import json

from flask_admin.contrib.sqla import filters
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import true

from admin_views.base import ReadOnlyView
from models import AuditEntry

ENTITY_LABELS = {"DebtorAccount": _l("Account"), "Assignment": _l("Assignment"),
                 "Team": _l("Team"), "TeamMembership": _l("Membership"), "User": _l("User"),
                 "UserRole": _l("User role"), "PolicyDocument": _l("Policy document"),
                 "DocumentVersion": _l("Document version"), "ContentBlob": _l("Original file"),
                 "Acknowledgement": _l("Acknowledgement"),
                 "RedlineProposal": _l("Redline proposal"),
                 "ReviewerAssignment": _l("Reviewer assignment"),
                 "ProposalComment": _l("Proposal comment"),
                 "WorkflowTransitionLog": _l("Workflow step"), "Approval": _l("Approval"),
                 "WorkflowRule": _l("Review rule"), "Notification": _l("Notification")}
ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}
MAX_LINES = 40


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def change_lines(entry: AuditEntry) -> list[tuple[str, str, str | None]]:
    """Return (field, before-or-value, after) rows; `after` is None for creates and deletes."""
    rows = []
    for field, value in sorted((entry.changes or {}).items()):
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            rows.append((field, _shown(value["before"]), _shown(value["after"])))
        elif value not in (None, "", False):
            rows.append((field, _shown(value), None))
    return rows


def _changes(view, context, model, name):
    rows = change_lines(model)
    items = [Markup("<li><code>{}</code>: {} &rarr; <strong>{}</strong></li>").format(f, b, a)
             if a is not None else Markup("<li><code>{}</code>: {}</li>").format(f, b)
             for f, b, a in rows[:MAX_LINES]]
    if len(rows) > MAX_LINES:
        items.append(Markup("<li>…</li>"))
    return Markup('<ul class="list-unstyled small mb-0 audit-changes">{}</ul>').format(
        Markup("").join(items))


def _entity(view, context, model, name):
    return ENTITY_LABELS.get(model.entity, model.entity)


def _action(view, context, model, name):
    return ACTION_LABELS.get(model.action, model.action)


class AuditView(ReadOnlyView):
    """Every create, update and delete, newest first."""

    permission = "audit"
    column_list = ["seq", "at", "actor", "action", "entity", "entity_id", "changes"]
    column_details_list = ["seq", "at", "actor", "action", "entity", "entity_id", "changes",
                           "request_id", "prev_hash", "hash"]
    column_labels = {"seq": "#", "at": _l("When"), "entity": _l("Record type"),
                     "entity_id": _l("Record id"), "changes": _l("What changed"),
                     "request_id": _l("Request id")}
    column_descriptions = {"changes": _l("For a change: each field's value before → after. For a "
                                         "creation or deletion: the record's values. A field "
                                         "ending in _id holds the id of another record.")}
    column_sortable_list = ["seq", "at", "actor", "entity"]
    column_default_sort = ("seq", True)
    column_formatters = {"changes": _changes, "entity": _entity, "action": _action}
    column_filters = [
        filters.FilterEqual(AuditEntry.actor, _l("Actor")),
        filters.FilterEqual(AuditEntry.action, _l("Action"),
                            options=list(ACTION_LABELS.items())),
        filters.FilterEqual(AuditEntry.entity, _l("Record type"),
                            options=list(ENTITY_LABELS.items())),
        filters.FilterEqual(AuditEntry.entity_id, _l("Record id")),
        filters.DateTimeBetweenFilter(AuditEntry.at, _l("When")),
    ]
    column_export_list = ["seq", "at", "actor", "action", "entity", "entity_id", "changes",
                          "request_id", "hash"]
    column_formatters_export = {"changes": lambda v, c, m, n: json.dumps(m.changes,
                                                                         ensure_ascii=False)}

    def scope_clause(self):
        # Whoever may open the audit view sees the whole chain: auditors audit everyone.
        return true()
