"""Policy documents: the register (a list), each document's page, versions, compare, uploads."""

from datetime import UTC, date, datetime, time

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters
from flask_babel import get_timezone, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename
from wtforms import SelectMultipleField

from admin_views.base import PortalModelView
from admin_views.formatting import local_date
from admin_views.teams import TEAM_LOOKUP, USER_LOOKUP
from documents import acknowledgements as acks
from documents import repository as repo
from documents.render_html import render_blocks
from models import PolicyDocument, Role
from models.document import aware
from models.errors import DomainError, NotFound, PermissionDenied
from portal import labels, security
from portal.extensions import db

DOCX_MIMETYPE = repo.DOCX_MEDIA_TYPE


def _code_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for(".document_page", code=model.code),
                                                model.code)


def _in_force(view, context, model, name):
    version = repo.effective_version(model)
    if version is None:
        if model.retired_at:
            label = _("Retired")
        elif any(v.status == "published" for v in model.versions):
            label = _("Nothing in force yet")
        else:
            label = _("Draft only") if model.versions else _("No versions yet")
        return Markup('<span class="text-muted">{}</span>').format(label)
    return _("v%(n)d since %(day)s", n=version.number,
             day=local_date(aware(version.effective_from).date()))


def _next_review(view, context, model, name):
    due = repo.next_review_date(model)
    if due is None:
        return ""
    if due < user_today():
        return Markup('<span class="badge badge-danger" title="{}">{}</span>').format(
            _("Periodic review overdue"), _("overdue since %(day)s", day=local_date(due)))
    return local_date(due)


class PolicyDocumentView(PortalModelView):
    """The register of controlled documents and, per document, its page and actions."""

    permission = "documents"
    can_view_details = False
    column_list = ["code", "title", "category", "in_force", "next_review", "owner", "tags"]
    column_labels = {"code": _l("Code"), "title": _l("Title"), "category": _l("Category"),
                     "in_force": _l("In force"), "next_review": _l("Next review"),
                     "owner": _l("Owner"), "owning_team": _l("Owning team"),
                     "audience_teams": _l("Audience teams"), "audience_roles": _l("Audience roles"),
                     "review_cycle_months": _l("Review cycle (months)"),
                     "regulatory_refs": _l("Regulatory references"), "tags": _l("Tags")}
    column_sortable_list = ["code", "title", "category"]
    column_default_sort = "code"
    column_searchable_list = ["code", "title", "tags", "regulatory_refs"]
    column_filters = [filters.FilterEqual(PolicyDocument.category, _l("Category"),
                                          options=labels.choices(labels.DOCUMENT_CATEGORY)),
                      filters.FilterEmpty(PolicyDocument.retired_at, _l("Not retired"))]
    column_formatters = {"code": _code_link, "in_force": _in_force,
                         "next_review": _next_review,
                         "category": labels.formatter(labels.DOCUMENT_CATEGORY)}
    column_export_list = ["code", "title", "category", "owner", "review_cycle_months",
                          "regulatory_refs", "tags"]
    form_columns = ["code", "title", "category", "owner", "owning_team", "audience_roles_field",
                    "audience_teams", "review_cycle_months", "regulatory_refs", "tags"]
    form_choices = {"category": labels.choices(labels.DOCUMENT_CATEGORY)}
    form_extra_fields = {"audience_roles_field": SelectMultipleField(
        _l("Audience roles"), choices=labels.choices(labels.ROLE),
        description=_l("Staff holding any of these roles, or belonging to an audience team, "
                       "must acknowledge each version. Leave both empty for all staff."))}
    form_widget_args = {"audience_roles_field": {"size": len(Role)}}
    form_ajax_refs = {"owner": USER_LOOKUP, "owning_team": TEAM_LOOKUP,
                      "audience_teams": TEAM_LOOKUP}
    transient_fields = ("audience_roles_field",)

    def scope_clause(self):
        return security.document_filter(current_user)

    def get_query(self):
        return super().get_query().options(selectinload(PolicyDocument.versions))

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and request.method == "GET":
            form.audience_roles_field.data = list(obj.audience_roles)
        # A code is how every reference names the document: it never changes.
        form.code.render_kw = {"readonly": True}
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not is_created and form.code.object_data and model.code != form.code.object_data:
            model.code = form.code.object_data
        model.audience_roles = list(form.transient.get("audience_roles_field") or [])

    def get_save_return_url(self, model, is_created=False):
        return url_for(".document_page", code=model.code)

    # --- reading ------------------------------------------------------------------------------
    def _document(self, code: str):
        try:
            return repo.get_document(db.session, current_user, code)
        except NotFound:
            abort(404)

    def _version(self, document, number: int):
        try:
            return repo.get_version(current_user, document, number)
        except NotFound:
            abort(404)

    def _page(self, document, version, as_of: date | None = None, **extra):
        versions = repo.visible_versions(current_user, document)
        pending = version is not None and version in acks.pending_for(db.session, current_user)
        return self.render(
            "admin/document_page.html", document=document, version=version,
            versions=versions, body=render_blocks(repo.version_blocks(version)) if version
            else None, lifecycle=labels.LIFECYCLE, category=labels.DOCUMENT_CATEGORY,
            as_of=as_of, next_review=repo.next_review_date(document), pending=pending,
            acked_at=acks.acknowledged_at(db.session, version, current_user) if version
            else None, rate=acks.rate(db.session, version) if version
            and version.lifecycle().value == "effective" else None,
            can=lambda name: security.can(current_user, name),
            scheduled=repo.scheduled_version(document), today=user_today(), **extra)

    @expose("/d/<code>/")
    def document_page(self, code: str):
        document = self._document(code)
        as_of = _parse_day(request.args.get("as_of"))
        if request.args.get("as_of") and as_of is None:
            flash(_("Give the date as YYYY-MM-DD."), "error")
        if as_of is not None:
            # The end of that day where the user is, not in UTC.
            moment = datetime.combine(as_of, time.max, tzinfo=get_timezone())
            version = repo.effective_version(document, moment)
            if version is None:
                flash(_("No version of %(code)s was in force on %(day)s.", code=document.code,
                        day=local_date(as_of)), "warning")
            return self._page(document, version, as_of)
        versions = repo.visible_versions(current_user, document)
        version = repo.effective_version(document) or (versions[0] if versions else None)
        return self._page(document, version)

    @expose("/d/<code>/v/<int:number>/")
    def version_page(self, code: str, number: int):
        document = self._document(code)
        return self._page(document, self._version(document, number))

    @expose("/d/<code>/v/<int:number>/docx")
    def download(self, code: str, number: int):
        document = self._document(code)
        version = self._version(document, number)
        name = secure_filename(f"{document.code}-v{version.number}.docx")
        data = repo.export_version(version, labels.label(labels.LIFECYCLE,
                                                         version.lifecycle().value),
                                   labels.label(labels.DOCUMENT_CATEGORY, document.category))
        return Response(data, mimetype=DOCX_MIMETYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/d/<code>/compare/")
    def compare(self, code: str):
        from documents.compare import compare
        from documents.redline_html import render_inline, render_side_by_side

        document = self._document(code)
        versions = repo.visible_versions(current_user, document)
        if len(versions) < 2:
            flash(_("%(code)s has only one version: there is nothing to compare yet.",
                    code=document.code), "info")
            return redirect(url_for(".document_page", code=document.code))
        old_n = request.args.get("a", type=int) or versions[1].number
        new_n = request.args.get("b", type=int) or versions[0].number
        old, new = self._version(document, old_n), self._version(document, new_n)
        mode = "side" if request.args.get("mode") == "side" else "inline"
        redline = compare(repo.version_blocks(old), repo.version_blocks(new))
        render = render_side_by_side if mode == "side" else render_inline
        return self.render("admin/document_compare.html", document=document, old=old, new=new,
                           versions=versions, mode=mode, redline=redline, body=render(redline),
                           lifecycle=labels.LIFECYCLE)

    @expose("/d/<code>/v/<int:number>/audience")
    def audience(self, code: str, number: int):
        document = self._document(code)
        version = self._version(document, number)
        try:
            members = acks.audience_status(db.session, current_user, version)
        except PermissionDenied:
            abort(403)
        return self.render("admin/document_audience.html", document=document, version=version,
                           members=members, rate=acks.rate(db.session, version))

    @expose("/pending/")
    def pending(self):
        return self.render("admin/document_pending.html",
                           pending=acks.pending_for(db.session, current_user))

    # --- changing ------------------------------------------------------------------------------
    def _act(self, document, work, done: str, target: str | None = None):
        """Run a domain action, commit, flash the outcome and go back to the document."""
        try:
            work()
            db.session.commit()
            flash(done, "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return redirect(target or url_for(".document_page", code=document.code))

    @expose("/d/<code>/upload/", methods=("GET", "POST"))
    def upload(self, code: str):
        document = self._document(code)
        if not security.can(current_user, "documents.upload"):
            abort(403)
        if request.method == "GET":
            return self._upload_form(document)
        upload = request.files.get("file")
        summary = request.form.get("summary", "")
        if upload is None or not upload.filename:
            return self._upload_form(document, _("Choose a Word file (.docx) to upload."),
                                     summary)
        from documents.upload_safety import DocxLimits

        try:
            version = repo.import_version(db.session, current_user._get_current_object(),
                                          document, upload.read(), upload.filename[:255],
                                          summary, DocxLimits.from_config(current_app.config))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            return self._upload_form(document, exc.message, summary)
        flash(_("Version %(n)d was created as a draft from %(file)s.", n=version.number,
                file=upload.filename[:255]), "success")
        for notice in version.import_notices:
            flash(notice, "warning")
        return redirect(url_for(".version_page", code=document.code, number=version.number))

    def _upload_form(self, document, error: str = "", summary: str = ""):
        limit_mb = current_app.config.get("DOCX_MAX_BYTES", 20 * 2**20) / 2**20
        return self.render("admin/document_upload.html", document=document, error=error,
                           summary=summary, limit_mb=limit_mb), 400 if error else 200

    @expose("/d/<code>/v/<int:number>/publish", methods=("POST",))
    def publish(self, code: str, number: int):
        document = self._document(code)
        version = self._version(document, number)
        day = _parse_day(request.form.get("effective_on"))
        if request.form.get("effective_on") and day is None:
            flash(_("Give the effective date as YYYY-MM-DD."), "error")
            return redirect(url_for(".version_page", code=code, number=number))
        start = _start_of_local_day(day) if day and day > user_today() else None
        return self._act(document, lambda: repo.publish(
            db.session, current_user._get_current_object(), version, start),
            _("Version %(n)d is published.", n=number),
            url_for(".version_page", code=document.code, number=number))

    @expose("/d/<code>/v/<int:number>/withdraw", methods=("POST",))
    def withdraw(self, code: str, number: int):
        document = self._document(code)
        version = self._version(document, number)
        return self._act(document, lambda: repo.withdraw(db.session, current_user, version),
                         _("Version %(n)d was withdrawn.", n=number))

    @expose("/d/<code>/retire", methods=("POST",))
    def retire(self, code: str):
        document = self._document(code)
        return self._act(document, lambda: repo.retire(db.session, current_user, document),
                         _("%(code)s is retired: no version is in force any more.",
                           code=document.code))

    @expose("/d/<code>/reviewed", methods=("POST",))
    def reviewed(self, code: str):
        document = self._document(code)
        return self._act(document,
                         lambda: repo.mark_reviewed(db.session, current_user, document),
                         _("The periodic review of %(code)s is recorded.", code=document.code))

    @expose("/d/<code>/v/<int:number>/acknowledge", methods=("POST",))
    def acknowledge(self, code: str, number: int):
        document = self._document(code)
        version = self._version(document, number)
        return self._act(document, lambda: acks.acknowledge(
            db.session, current_user._get_current_object(), version),
            _("Thank you: you acknowledged %(code)s version %(n)d.", code=document.code,
              n=number), url_for(".version_page", code=document.code, number=number))


def _parse_day(text: str | None) -> date | None:
    """Read a YYYY-MM-DD date, None when empty or malformed."""
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


def _start_of_local_day(day: date) -> datetime:
    """Return midnight of a day in the user's time zone, as an aware time."""
    return datetime.combine(day, time.min, tzinfo=get_timezone())


def user_today() -> date:
    """Return today's date where the user is (default Asia/Ho_Chi_Minh), not the server's."""
    return to_user_timezone(datetime.now(UTC)).date()


def local_day(moment: datetime | None) -> str:
    """Show the calendar day of a stored time in the user's time zone and date format."""
    if moment is None:
        return ""
    return local_date(to_user_timezone(aware(moment)).date())
