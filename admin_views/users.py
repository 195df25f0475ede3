"""Staff users: roles, activation, lockouts; deactivate instead of delete."""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla import filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import Optional

from admin_views.base import PortalModelView
from models import Role, User, UserRole
from models.errors import DomainError
from portal import labels, staff
from portal.extensions import db


def _roles(view, context, model, name):
    return Markup(" ").join(Markup('<span class="badge badge-info">{}</span>').format(
        labels.label(labels.ROLE, r)) for r in sorted(model.roles))


class UserView(PortalModelView):
    """Users, as admins manage them."""

    permission = "users"
    column_list = ["username", "full_name", "email", "roles", "active", "locked_until",
                   "failed_logins"]
    column_details_list = ["username", "full_name", "email", "roles", "active", "locked_until",
                           "failed_logins", "created_at", "updated_at"]
    column_export_list = ["username", "full_name", "email", "roles", "active"]
    column_labels = {"full_name": _l("Full name"), "email": _l("E-mail"),
                     "locked_until": _l("Locked until"), "failed_logins": _l("Failed logins")}
    column_sortable_list = ["username", "full_name", "email", "active"]
    column_default_sort = "full_name"
    column_searchable_list = ["username", "full_name", "email"]
    column_formatters = {"roles": _roles}
    column_formatters_export = {"roles": lambda v, c, m, n: " ".join(sorted(m.roles))}
    column_filters = [
        filters.BooleanEqualFilter(User.active, _l("Active")),
        filters.FilterEqual(UserRole.role, _l("Role"), options=labels.choices(labels.ROLE)),
    ]
    form_columns = ["username", "full_name", "email", "role_names", "active", "new_password"]
    form_extra_fields = {
        "role_names": SelectMultipleField(_l("Roles"), choices=labels.choices(labels.ROLE)),
        "new_password": PasswordField(_l("New password"), validators=[Optional()],
                                      description=_l("At least 12 characters. Leave empty to "
                                                     "keep the current password.")),
    }
    form_widget_args = {"role_names": {"size": len(Role)}}  # every role visible, no scrolling
    action_permissions = {"deactivate": "users.deactivate", "unlock": "users.edit"}

    transient_fields = ("role_names", "new_password")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and not form.role_names.data:
            form.role_names.data = sorted(r.value for r in obj.roles)
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        was_active = None if is_created else form.active.object_data
        staff.apply_user_changes(current_user, model, form.transient.get("role_names"),
                                 form.transient.get("new_password"), was_active)

    @action("deactivate", _l("Deactivate"),
            _l("Deactivate the selected users? They are logged out at once and cannot log in "
               "until reactivated."))
    def action_deactivate(self, ids):
        try:
            count = staff.deactivate_users(db.session, current_user, ids)
            db.session.commit()
            flash(_("%(n)d user(s) deactivated and logged out.", n=count), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")

    @action("unlock", _l("Unlock"), _l("Clear the lockout of the selected users?"))
    def action_unlock(self, ids):
        count = staff.unlock_users(db.session, current_user, ids)
        db.session.commit()
        flash(_("%(n)d user(s) unlocked.", n=count), "success")
