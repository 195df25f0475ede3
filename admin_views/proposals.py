"""Redline proposals: the list, each proposal's page, the author's editor and the review actions.

Every rule lives in documents.proposals: a view reads the form, calls one domain action, commits
and flashes the outcome (the domain's own message when it refuses).
"""

from datetime import date

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename

from admin_views import proposal_columns as cols
from admin_views import proposal_page as page
from admin_views.base import QueryOptions, ReadOnlyView
from admin_views.documents import _parse_day, _start_of_local_day
from documents import proposals as props
from documents import repository as repo
from documents.blocks import BlockKind
from documents.redline_html import render_inline, render_side_by_side, render_summary
from documents.render_html import render_block
from models import PolicyDocument, RedlineProposal, User
from models.errors import DomainError, NotFound, PermissionDenied, ValidationError
from models.proposal import EDITABLE_STATES
from models.workflow import REVIEW_STEP, history, rule_for, valid_approvals
from portal import labels, security
from portal.extensions import db

BLOCK_KINDS = {BlockKind.LIST_ITEM: _l("Numbered clause"), BlockKind.PARAGRAPH: _l("Paragraph"),
               BlockKind.HEADING: _l("Heading")}
EDIT_OPS = ("text", "insert", "delete", "move")
MAX_ID = 2**31 - 1  # PostgreSQL refuses larger numbers for an integer key
# Pages of one proposal: get_proposal decides who sees it, and answers "not found" to the rest.
PROPOSAL_PAGES = frozenset({"proposal_page", "edit_page", "edit_block", "upload", "act",
                            "comment", "resolve", "reassign", "tracked_docx"})


class ProposalView(ReadOnlyView):
    """Proposals the user may see; each changes only through the domain's actions."""

    permission = "proposals"
    can_view_details = False
    column_display_actions = False
    column_list = ["id", "title", "document", "status", "maker", "due_at", "base_outdated",
                   "updated_at"]
    column_labels = {"id": _l("No."), "title": _l("Title"), "document": _l("Document"),
                     "status": _l("Status"), "maker": _l("Author"), "due_at": _l("Due"),
                     "base_outdated": _l("Base"), "updated_at": _l("Last change")}
    column_sortable_list = ["id", "title", "status", "due_at", "updated_at",
                            ("document", "document.code"), ("maker", "maker.full_name")]
    column_default_sort = [("id", True)]
    column_searchable_list = ["title"]
    column_filters = [
        filters.FilterEqual(RedlineProposal.status, _l("Status"),
                            options=list(page.STATUS.items())),
        filters.FilterLike(PolicyDocument.code, _l("Document code")),
        filters.IntEqualFilter(RedlineProposal.maker_id, _l("Author"),
                               options=QueryOptions(cols.proposers)),
        filters.BooleanEqualFilter(RedlineProposal.base_outdated, _l("Base outdated")),
    ]
    column_formatters = {"id": lambda v, c, m, n: f"#{m.id}", "title": cols.title_link,
                         "document": cols.document_link, "status": cols.status_badge,
                         "maker": lambda v, c, m, n: m.maker.full_name, "due_at": cols.due,
                         "base_outdated": cols.outdated}
    list_template = "admin/proposal_list.html"

    def scope_clause(self):
        return security.proposal_filter(current_user)

    def get_query(self):
        return super().get_query().options(joinedload(RedlineProposal.document),
                                           joinedload(RedlineProposal.maker))

    def search_placeholder(self) -> str:
        return _("Title contains")

    def _handle_view(self, name, **kwargs):
        if name in PROPOSAL_PAGES and current_user.is_authenticated:
            return None
        return super()._handle_view(name, **kwargs)

    # --- reading ------------------------------------------------------------------------------
    def _proposal(self, proposal_id: int) -> RedlineProposal:
        if proposal_id > MAX_ID:
            abort(404)
        try:
            return props.get_proposal(db.session, current_user._get_current_object(),
                                      proposal_id)
        except (NotFound, PermissionDenied):
            abort(404)

    @staticmethod
    def _mode() -> str:
        return "side" if request.values.get("mode") == "side" else "inline"

    def _page_url(self, proposal, anchor: str = "") -> str:
        mode = self._mode()
        url = url_for(".proposal_page", proposal_id=proposal.id,
                      mode=mode if mode == "side" else None)
        return url + (f"#{anchor}" if anchor else "")

    @expose("/p/<int:proposal_id>/")
    def proposal_page(self, proposal_id: int):
        proposal = self._proposal(proposal_id)
        me = current_user._get_current_object()
        mode, redline = self._mode(), props.redline(proposal)
        if mode == "side":
            html = render_side_by_side(
                redline, old_label=_("Version %(n)d (base)", n=proposal.base_version.number),
                new_label=_("Proposed text"))
        else:
            html = render_inline(redline)
        log = history(db.session, proposal)
        can_reassign = proposal.is_open and security.can(me, "proposals.reassign") and \
            bool(proposal.current_reviewers)
        return self.render(
            "admin/proposal_page.html", proposal=proposal, mode=mode, log=log,
            view=page.place_threads(html, redline, proposal.comments), page=page,
            actions=page.offered_actions(proposal, me), is_author=me.id == proposal.maker_id,
            editable=me.id == proposal.maker_id and proposal.status in EDITABLE_STATES,
            reviewers=page.reviewer_rows(db.session, proposal, log),
            rule=rule_for(db.session, proposal), sign_offs=page.sign_offs(db.session, proposal),
            approvals=len(valid_approvals(db.session, proposal, REVIEW_STEP)),
            candidates=_free_reviewers(proposal) if can_reassign else [],
            can_reassign=can_reassign,
            conflicts=[(c["id"], page.conflict_sides(c)) for c in proposal.conflicts],
            in_force=repo.effective_version(proposal.document),
            overdue=page.is_overdue(proposal), today=_today(),
            comment_on=request.args.get("comment", ""))

    @expose("/p/<int:proposal_id>/edit")
    def edit_page(self, proposal_id: int):
        proposal = self._proposal(proposal_id)
        if current_user.id != proposal.maker_id or proposal.status not in EDITABLE_STATES:
            flash(_("Only the author can change the text, and only while the proposal is a "
                    "draft or changes are requested."), "info")
            return redirect(self._page_url(proposal))
        redline = props.redline(proposal)
        marks = {c.new.id: c.status.value for c in redline.changes
                 if c.new is not None and not c.unchanged}
        return self.render("admin/proposal_edit.html", proposal=proposal,
                           blocks=props.proposal_blocks(proposal), marks=marks,
                           focus=request.args.get("block", ""), kinds=BLOCK_KINDS,
                           summary=render_summary(redline), page=page,
                           render_block=render_block,
                           limit_mb=current_app.config.get("DOCX_MAX_BYTES", 20 * 2**20) / 2**20)

    @expose("/p/<int:proposal_id>/tracked.docx")
    def tracked_docx(self, proposal_id: int):
        from documents.docx_export import ExportMeta
        from documents.docx_tracked import export_redline_docx

        proposal = self._proposal(proposal_id)
        document = proposal.document
        meta = ExportMeta(code=document.code, title=document.title,
                          version=proposal.base_version.number, effective_from=None,
                          status=_("Proposal #%(n)d, %(state)s: %(title)s", n=proposal.id,
                                   state=page.STATUS.get(proposal.status, proposal.status),
                                   title=proposal.title),
                          category=labels.label(labels.DOCUMENT_CATEGORY, document.category))
        # The changes carry the author's name and the time the proposal last changed, so the
        # same proposal always downloads as the same file.
        data = export_redline_docx(props.redline(proposal), meta, proposal.maker.full_name,
                                   proposal.updated_at)
        name = secure_filename(f"{document.code}-proposal-{proposal.id}-tracked.docx")
        return Response(data, mimetype=repo.DOCX_MEDIA_TYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    # --- changing -----------------------------------------------------------------------------
    def _act(self, work, target: str):
        """Run a domain action, commit, flash its outcome (or the refusal) and go to target.

        `work` returns the message, or the message and a better place to land.
        """
        try:
            done = work()
            db.session.commit()
            if isinstance(done, tuple):  # the message and where the change is to be seen
                done, target = done
            flash(done, "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        except (IntegrityError, StaleDataError, OperationalError) as exc:
            db.session.rollback()
            self.handle_view_exception(exc)
        return redirect(target)

    @expose("/p/<int:proposal_id>/do/<step>", methods=("POST",))
    def act(self, proposal_id: int, step: str):
        proposal = self._proposal(proposal_id)
        work = getattr(self, f"_do_{step}", None) if step in (*page.BUTTONS, "rebase") else None
        if work is None:
            abort(404)
        return self._act(lambda: work(current_user._get_current_object(), proposal, request.form),
                         self._page_url(proposal))

    def _do_submit(self, me, proposal, form):
        reviewers = props.submit(db.session, me, proposal)
        return _("Submitted for review by %(names)s.",
                 names=", ".join(r.full_name for r in reviewers))

    def _do_start_review(self, me, proposal, form):
        props.start_review(db.session, me, proposal)
        return _("You started the review.")

    def _do_approve(self, me, proposal, form):
        if props.approve(db.session, me, proposal, _seen_hash(form), form.get("comment", "")):
            return _("Your approval completed the review: the proposal can be published.")
        return _("Your approval is recorded.")

    def _do_sign_off(self, me, proposal, form):
        if props.sign_off(db.session, me, proposal, _seen_hash(form), form.get("comment", "")):
            return _("Your sign-off completed the review: the proposal can be published.")
        return _("Your compliance sign-off is recorded.")

    def _do_request_changes(self, me, proposal, form):
        props.request_changes(db.session, me, proposal, form.get("comment", ""))
        return _("The proposal went back to its author with your request.")

    def _do_resubmit(self, me, proposal, form):
        props.resubmit(db.session, me, proposal)
        return _("Resubmitted: the reviewers are told.")

    def _do_reject(self, me, proposal, form):
        props.reject(db.session, me, proposal, form.get("comment", ""))
        return _("The proposal is rejected.")

    def _do_withdraw(self, me, proposal, form):
        props.withdraw(db.session, me, proposal, form.get("comment", ""))
        return _("The proposal is withdrawn.")

    def _do_publish(self, me, proposal, form):
        day = _parse_day(form.get("effective_on"))
        if form.get("effective_on") and day is None:
            raise ValidationError(_("Give the effective date as YYYY-MM-DD."))
        start = _start_of_local_day(day) if day and day > _today() else None
        version = props.publish(db.session, me, proposal, start)
        return _("Published as version %(n)d of %(code)s.", n=version.number,
                 code=proposal.document.code)

    def _do_rebase(self, me, proposal, form):
        result = props.rebase(db.session, me, proposal)
        if result.conflicts:
            return _("Rebased onto version %(n)d: %(count)d clause(s) conflict; choose a text "
                     "for each below.", n=proposal.base_version.number,
                     count=len(result.conflicts))
        return _("Rebased onto version %(n)d with no conflicts.", n=proposal.base_version.number)

    @expose("/p/<int:proposal_id>/comment", methods=("POST",))
    def comment(self, proposal_id: int):
        proposal = self._proposal(proposal_id)
        form = request.form
        reply_to = next((c for c in proposal.comments if str(c.id) == form.get("reply_to")),
                        None)
        block_id = reply_to.block_id if reply_to else form.get("block_id", "")[:32]

        def work():
            props.add_comment(db.session, current_user._get_current_object(), proposal,
                              form.get("body", ""), block_id, reply_to)
            return _("Your comment is added.")
        return self._act(work, self._page_url(proposal, f"c-{block_id}" if block_id else
                                              "comments"))

    @expose("/p/<int:proposal_id>/resolve", methods=("POST",))
    def resolve(self, proposal_id: int):
        proposal = self._proposal(proposal_id)

        def work():
            props.resolve_conflict(db.session, current_user._get_current_object(), proposal,
                                   request.form.get("conflict", ""), request.form.get("choice"))
            left = len(proposal.conflicts)
            return _("Conflict settled; %(n)d left.", n=left) if left else \
                _("Every conflict is settled: the proposal can move on.")
        return self._act(work, self._page_url(proposal))

    @expose("/p/<int:proposal_id>/reassign", methods=("POST",))
    def reassign(self, proposal_id: int):
        proposal = self._proposal(proposal_id)

        def work():
            old, new = _user(request.form.get("old")), _user(request.form.get("new"))
            if old is None or new is None:
                raise ValidationError(_("Choose the reviewer to replace and who takes over."))
            props.reassign_reviewer(db.session, current_user._get_current_object(), proposal,
                                    old, new, request.form.get("reason", ""))
            return _("%(new)s now reviews the proposal instead of %(old)s.",
                     new=new.full_name, old=old.full_name)
        return self._act(work, self._page_url(proposal))

    # --- the author's editor ------------------------------------------------------------------
    def _edit_url(self, proposal, block_id: str = "") -> str:
        url = url_for(".edit_page", proposal_id=proposal.id, block=block_id or None)
        return url + (f"#b-{block_id}" if block_id else "")

    @expose("/p/<int:proposal_id>/edit/<op>", methods=("POST",))
    def edit_block(self, proposal_id: int, op: str):
        proposal = self._proposal(proposal_id)
        work = getattr(self, f"_edit_{op}", None) if op in EDIT_OPS else None
        if work is None:
            abort(404)
        back = self._edit_url(proposal, request.form.get("block_id", "")[:32])
        return self._act(lambda: work(current_user._get_current_object(), proposal,
                                      request.form), back)

    def _edit_text(self, me, proposal, form):
        if props.edit_block(db.session, me, proposal, form.get("block_id", ""),
                            form.get("text", "")):
            return _("Clause saved.")
        return _("The clause already read so; nothing changed.")

    def _edit_insert(self, me, proposal, form):
        block = props.insert_block(db.session, me, proposal, form.get("after_id") or None,
                                   form.get("kind", ""), form.get("text", ""),
                                   _level(form.get("level")))
        return _("Clause added."), self._edit_url(proposal, block.id)

    def _edit_delete(self, me, proposal, form):
        props.delete_block(db.session, me, proposal, form.get("block_id", ""))
        return _("Clause deleted."), self._edit_url(proposal)

    def _edit_move(self, me, proposal, form):
        block_id = form.get("block_id", "")
        props.move_block(db.session, me, proposal, block_id, form.get("after_id") or None)
        return _("Clause moved."), self._edit_url(proposal, block_id)

    @expose("/p/<int:proposal_id>/upload", methods=("POST",))
    def upload(self, proposal_id: int):
        from documents.upload_safety import DocxLimits

        proposal = self._proposal(proposal_id)
        upload = request.files.get("file")

        def work():
            if upload is None or not upload.filename:
                raise ValidationError(_("Choose a Word file (.docx) to upload."))
            notices = props.upload_revision(db.session, current_user._get_current_object(),
                                            proposal, upload.read(), upload.filename[:255],
                                            DocxLimits.from_config(current_app.config))
            for notice in notices:
                flash(notice, "warning")
            return _("The proposed text is now the text of %(file)s.",
                     file=upload.filename[:255])
        return self._act(work, self._edit_url(proposal))

    # --- opening ------------------------------------------------------------------------------
    @expose("/open/<code>", methods=("GET", "POST"))
    def open_proposal(self, code: str):
        me = current_user._get_current_object()
        try:
            document = repo.get_document(db.session, me, code)
        except (NotFound, PermissionDenied):
            abort(404)
        if not security.can(me, "proposals.create"):
            abort(403)
        title, rationale = request.form.get("title", ""), request.form.get("rationale", "")
        if request.method == "POST":
            try:
                proposal = props.open_proposal(db.session, me, document, title, rationale)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                return self._open_form(document, title, rationale, exc.message)
            flash(_("Draft proposal #%(n)d opened on the text in force. Change it clause by "
                    "clause, or upload a revised .docx.", n=proposal.id), "success")
            return redirect(self._edit_url(proposal))
        return self._open_form(document, title, rationale)

    def _open_form(self, document, title: str, rationale: str, error: str = ""):
        return self.render("admin/proposal_open.html", document=document, title=title,
                           rationale=rationale, error=error,
                           in_force=repo.effective_version(document)), 400 if error else 200


def _free_reviewers(proposal: RedlineProposal) -> list[User]:
    """Return who could take a review over: the rule's candidates not reviewing it already."""
    current = {u.id for u in proposal.current_reviewers}
    return [u for u in props.reviewer_candidates(db.session, proposal) if u.id not in current]


def _seen_hash(form) -> str:
    seen = form.get("seen_hash", "").strip()
    if not seen:
        raise ValidationError(_("Your approval must name the text you reviewed: reload the "
                                "proposal and approve again."))
    return seen


def _user(value: str | None) -> User | None:
    return db.session.get(User, int(value)) if value and value.isdigit() else None


def _level(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _today() -> date:
    return date.today()


