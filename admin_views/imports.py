"""Upload page for the bulk account import: a form, a CSV template and the per-row report."""

from flask import Response, abort, current_app, request
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from admin_views.base import refuse_access
from models.errors import DomainError, PermissionDenied
from portal import security
from portal.account_import import ImportLimits, ImportMode, import_accounts, template_csv
from portal.extensions import db

SHOWN_PROBLEMS = 200
MODES = {m.value for m in ImportMode}


class AccountImportView(BaseView):
    """Upload a CSV of debtor accounts; only users holding accounts.import see it."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and security.can(current_user, "accounts.import")

    def inaccessible_callback(self, name, **kwargs):
        return refuse_access()

    def _form(self, error: str = "", mode: str = ImportMode.ALL_OR_NOTHING.value,
              status: int = 200):
        limit_mb = current_app.config["IMPORT_MAX_BYTES"] / 2**20
        return self.render("admin/account_import.html", error=error, mode=mode,
                           modes=list(ImportMode), limit_mb=limit_mb), status

    @expose("/", methods=("GET",))
    def index(self):
        return self._form()

    @staticmethod
    def _refusal(mode: str, upload) -> str:
        """Say what is wrong with the form before any parser touches the file ("" if nothing)."""
        if mode not in MODES:
            return _("Choose how to treat bad rows.")
        if upload is None or not upload.filename:
            return _("Choose a CSV file to upload.")
        if not upload.filename.lower().endswith(".csv"):
            return _("Only .csv files can be imported. In Excel, use Save As → \"CSV UTF-8 "
                     "(comma delimited)\".")
        return ""

    @expose("/", methods=("POST",))
    def upload(self):
        mode = request.form.get("mode", "")
        upload = request.files.get("file")
        refusal = self._refusal(mode, upload)
        if refusal:
            return self._form(refusal, mode if mode in MODES else ImportMode.ALL_OR_NOTHING, 400)
        try:
            # The real User, not the proxy: it becomes assigned_by on new assignments.
            report = import_accounts(db.session, current_user._get_current_object(),
                                     upload.stream, mode,
                                     ImportLimits.from_config(current_app.config))
        except PermissionDenied:
            abort(403)
        except DomainError as exc:
            return self._form(exc.message, mode, 400)
        except OperationalError:
            db.session.rollback()
            return self._form(_("The database is busy or unavailable; nothing was imported. "
                                "Try again."), mode, 503)
        return self.render("admin/account_import_result.html", report=report,
                           filename=upload.filename[:200], shown=SHOWN_PROBLEMS)

    @expose("/template.csv", methods=("GET",))
    def template(self):
        # The byte-order mark makes Excel read the Vietnamese example as UTF-8.
        return Response("\ufeff" + template_csv(), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": "attachment; filename=account-import-template.csv"})
