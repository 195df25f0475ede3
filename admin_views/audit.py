"""The audit trail, read-only, for administrators and auditors."""

import json

from flask_admin.contrib.sqla import filters
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import true

from admin_views.base import ReadOnlyView
from models import AuditEntry


def _changes(view, context, model, name):
    text = json.dumps(model.changes, ensure_ascii=False, indent=1, sort_keys=True)
    return Markup('<pre class="small mb-0">{}</pre>').format(text[:4000])


class AuditView(ReadOnlyView):
    """Every create, update and delete, newest first."""

    permission = "audit"
    column_list = ["seq", "at", "actor", "action", "entity", "entity_id", "changes"]
    column_details_list = ["seq", "at", "actor", "action", "entity", "entity_id", "changes",
                           "request_id", "prev_hash", "hash"]
    column_labels = {"seq": "#", "at": _l("When"), "entity": _l("Record type"),
                     "entity_id": _l("Record id"), "changes": _l("What changed"),
                     "request_id": _l("Request id")}
    column_descriptions = {"changes": _l("Before and after value of each changed field; a "
                                         "field ending in _id holds the id of another record.")}
    column_sortable_list = ["seq", "at", "actor", "entity"]
    column_default_sort = ("seq", True)
    column_formatters = {"changes": _changes}
    column_filters = [
        filters.FilterEqual(AuditEntry.actor, _l("Actor")),
        filters.FilterEqual(AuditEntry.action, _l("Action"),
                            options=[("create", "create"), ("update", "update"),
                                     ("delete", "delete")]),
        filters.FilterEqual(AuditEntry.entity, _l("Entity")),
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
