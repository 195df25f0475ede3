"""The one base ModelView: access, row scope, stale-edit checks, safe errors and exports."""

import math
import re
from collections import OrderedDict
from datetime import datetime

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_admin import expose
from flask_admin._compat import as_unicode
from flask_admin.contrib.sqla import ModelView
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename
from wtforms import HiddenField

from admin_views import formatting, furniture, list_rows, listing, urls
from models.errors import DomainError, StaleEdit
from portal import security
from portal.exports import csv_stream, xlsx_stream
from portal.extensions import db

_UNIQUE_COLUMN = re.compile(r"(?:UNIQUE constraint failed: \w+\.(\w+)|Key \((\w+)\)=)")


def refuse_access():
    """Send anonymous visitors to the login page (coming back here after); refuse others."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


class PortalModelView(ModelView):
    """Base of every model view: permissions come from portal.security, never from the view."""

    permission = "dashboard"  # prefix of "<prefix>.view/.edit/.create/.delete/.export"
    page_size = 25
    page_size_options = (25, 50, 100)
    can_set_page_size = True
    can_view_details = True
    export_types = ["csv", "xlsx"]
    form_excluded_columns = ["version", "created_at", "updated_at"]
    column_display_pk = False
    list_template = "admin/portal_list.html"
    column_type_formatters = formatting.LIST_TYPES
    column_type_formatters_detail = formatting.DETAIL_TYPES
    column_type_formatters_export = formatting.EXPORT_TYPES
    details_template = "admin/portal_details.html"

    def __init__(self, model, session=None, **kwargs):
        super().__init__(model, session or db, **kwargs)

    def get_url(self, endpoint, **kwargs):
        # The same URLs as url_for, built cheaper: a list page asks for about fifty.
        return urls.build(endpoint, **kwargs)

    # --- access -----------------------------------------------------------------------------
    def _can(self, verb: str) -> bool:
        name = f"{self.permission}.{verb}"
        return name in security.PERMISSIONS and security.can(current_user, name)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and self._can("view")

    def inaccessible_callback(self, name, **kwargs):
        return refuse_access()

    _VERB_OF_VIEW = {"create_view": "can_create", "edit_view": "can_edit",
                     "delete_view": "can_delete", "ajax_update": "can_edit",
                     "export": "can_export", "details_view": "can_view_details"}

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        # Refuse outright instead of Flask-Admin's silent redirect to the list.
        flag = self._VERB_OF_VIEW.get(name)
        if flag and not getattr(self, flag):
            abort(403)
        return None

    @property
    def can_create(self) -> bool:
        return self._can("create")

    @property
    def can_edit(self) -> bool:
        return self._can("edit")

    @property
    def can_delete(self) -> bool:
        return self._can("delete")

    @property
    def can_export(self) -> bool:
        return self._can("export")

    def is_action_allowed(self, name: str) -> bool:
        allowed = getattr(self, "action_permissions", {}).get(name)
        if name == "delete":
            return self.can_delete and super().is_action_allowed(name)
        return bool(allowed) and security.can(current_user, allowed)

    # --- the same permission checks again at the point of writing (defence in depth) -------
    def on_model_change(self, form, model, is_created):
        security.require(current_user, f"{self.permission}.{'create' if is_created else 'edit'}")

    def on_model_delete(self, model):
        security.require(current_user, f"{self.permission}.delete")

    # --- row scope: list, count, get-one, export and actions all pass through here ---------
    def scope_clause(self):
        return security.ROW_FILTERS[self.model](current_user)

    def get_query(self):
        return super().get_query().filter(self.scope_clause())

    def get_count_query(self):
        query = listing.bounded_count_query(db.session(), self.model, self.count_cap)
        return query.filter(self.scope_clause())

    def get_one(self, id):
        if not str(id).isdigit():
            abort(404)
        row = self.get_query().filter(self.model.id == int(id)).one_or_none()
        if row is None:
            abort(404)
        return row

    # --- list paging: bounded count, numbered pages up to the cap, keyset "Next" beyond ----
    count_cap = listing.COUNT_CAP

    def _get_list_extra_args(self):
        view_args = super()._get_list_extra_args()
        # A cursor belongs to one page: sort, page-size and filter links must not carry it.
        view_args.extra_args.pop(listing.CURSOR_ARG, None)
        return view_args

    def list_order(self, sort_column, sort_desc) -> list[listing.KeyPart] | None:
        """Return the full sort key of a list request, or None if a cursor cannot follow it."""
        if sort_column is None:
            defaults = list(self._get_default_order())
            if any(joins for _attr, joins, _desc in defaults):
                return None
            fields = [(attr, desc) for attr, _joins, desc in defaults]
        elif sort_column in self._sortable_columns and not self._sortable_joins.get(sort_column):
            fields = [(self._sortable_columns[sort_column], bool(sort_desc))]
        else:
            return None
        return listing.keyset_order(self.model, fields)

    def _current_order(self) -> list[listing.KeyPart] | None:
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        return self.list_order(sort[0] if sort else None, view_args.sort_desc)

    def list_cursor(self) -> list | None:
        """Return the sort-key values of this list page's "after" cursor (None: OFFSET page)."""
        # Only the list page follows a cursor; an export link may carry one but starts at row 1.
        token = request.args.get(listing.CURSOR_ARG)
        if not token or request.endpoint != f"{self.endpoint}.index_view":
            return None
        # Sorting, paging and the pager each ask: decode the cursor once per request.
        decoded = g.setdefault("list_cursors", {})
        if token not in decoded:
            order = self._current_order()
            decoded[token] = listing.decode_cursor(order, token) if order else None
        return decoded[token]

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        order = self.list_order(sort_column, sort_desc)
        if order is None:
            query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
            # Still end on the primary key: ties in any order make OFFSET pages overlap.
            tiebreak = listing.keyset_order(self.model, []) or []
            return query.order_by(*listing.order_by_clauses(tiebreak)), joins
        cursor = self.list_cursor()
        if cursor is not None:
            query = query.filter(listing.after_clause(order, cursor))
        return query.order_by(*listing.order_by_clauses(order)), joins

    def _apply_pagination(self, query, page, page_size):
        if self.list_cursor() is not None:
            page = None  # the cursor, not an OFFSET, says where this page starts
        elif page and page_size and isinstance(self._primary_key, str):
            # Numbered pages stop at the count cap: a deep OFFSET reads every row it skips.
            page = min(page, max(math.ceil(self.count_cap / page_size) - 1, 0))
            return self._deferred_page(query, page, page_size)
        return super()._apply_pagination(query, page, page_size)

    def _deferred_page(self, query, page: int, page_size: int):
        """Skip rows on the sort index alone, then load and join only the page's own rows."""
        pk = getattr(self.model, self._primary_key)
        ids = query.with_entities(pk).limit(page_size).offset(page * page_size).subquery()
        return query.filter(pk.in_(select(ids.c[0]))).limit(page_size)

    @pass_context
    def render_list_rows(self, context, data, cells, row_actions, show_checkbox, show_actions,
                         checkbox_title):
        """Return the list table's rows (see admin_views.list_rows)."""
        return list_rows.render_rows(context, self, data, cells, row_actions, show_checkbox,
                                     show_actions, checkbox_title)

    def render_list_header(self, columns, actions, sort_column, sort_desc, sort_url, gettext):
        """Return the list table's header cells (see admin_views.list_rows)."""
        return list_rows.render_header(self, columns, actions, sort_column, sort_desc, sort_url,
                                       gettext)

    def render_list_pager(self, page, num_pages, pager_url):
        """Return Flask-Admin's numbered pager (see admin_views.list_rows)."""
        return list_rows.render_pager(page, num_pages, pager_url)

    def list_furniture(self, block: str, render):
        """Return a list page block that holds no records, rendered once (admin_views.furniture)."""
        key = furniture.menu_state(self) if block == "main_menu" else ()
        return furniture.reuse(self, block, render, *key)

    def _get_filter_groups(self):
        # Flask-Admin rebuilds the filter menu on every list page (about thirty translations).
        # It is the same for every user: keep it per language while the option lists, which
        # hold the only data in it, are the same objects (admin_views.options renews them).
        items = [item for group in (self._filter_groups or {}).values() for item in group.filters]
        if not all(i["options"] is None or isinstance(i["options"], list | tuple | QueryOptions)
                   for i in items):
            return super()._get_filter_groups()
        current = [i["options"].load() if isinstance(i["options"], QueryOptions)
                   else i["options"] for i in items]
        locale = str(get_locale() or "")
        kept = self.__dict__.get("_portal_filter_groups")
        if (kept is not None and kept[0] == locale and len(kept[1]) == len(current)
                and all(a is b for a, b in zip(kept[1], current, strict=True))):
            return kept[2]
        groups = self._filter_groups_of(iter(current))
        self._portal_filter_groups = (locale, current, groups)
        return groups

    def _filter_groups_of(self, options):
        """Return Flask-Admin's _get_filter_groups() with the given options, filter by filter."""
        if not self._filter_groups:
            return None
        results = OrderedDict()
        for group in self._filter_groups.values():
            # FilterGroup.non_lazy(), with each filter's options as loaded above.
            filters = []
            for item in group.filters:
                copy = dict(item)
                copy["operation"] = as_unicode(copy["operation"])
                loaded = next(options)
                if copy["options"]:
                    copy["options"] = [(k, str(v)) for k, v in loaded]
                filters.append(copy)
            results[as_unicode(group.label)] = filters
        return results

    def render(self, template, **kwargs):
        if template == self.list_template and kwargs.get("count") is not None:
            kwargs.update(self._paging_context(kwargs))
        return super().render(template, **kwargs)

    def _paging_context(self, kwargs: dict) -> dict:
        """Return the count, page numbers and pager links of a list page with a bounded count."""
        count, size, data = kwargs["count"], kwargs["page_size"], kwargs["data"]
        capped = count > self.count_cap
        shown = min(count, self.count_cap)
        num_pages = math.ceil(shown / size) if size else kwargs["num_pages"]
        page = min(kwargs["page"] or 0, max((num_pages or 1) - 1, 0))
        keyset = self.list_cursor() is not None
        wants_next = keyset or (capped and page >= num_pages - 1)
        next_url = self._next_page_url(data[-1]) if wants_next and len(data) == size else None
        paging = listing.ListPaging(capped=capped, cap=self.count_cap, keyset=keyset,
                                    first_url=self._get_list_url(
                                        self._get_list_extra_args().clone(page=None)),
                                    next_url=next_url)
        return {"count": listing.ListCount(shown, capped), "num_pages": num_pages,
                "page": page, "list_paging": paging}

    def _next_page_url(self, last_row) -> str | None:
        order = self._current_order()
        if order is None:
            return None
        view_args = self._get_list_extra_args()
        extra = {**view_args.extra_args, listing.CURSOR_ARG: listing.encode_cursor(order, last_row)}
        return self._get_list_url(view_args.clone(page=None, extra_args=extra))

    # --- optimistic locking -----------------------------------------------------------------
    def scaffold_form(self):
        form_class = super().scaffold_form()
        if hasattr(self.model, "version"):
            # The version the user started from travels with the form (hidden field).
            form_class.edit_version = HiddenField()
        return form_class

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None and "edit_version" in form:
            form.edit_version.data = obj.version
        return form

    # Form fields that are inputs to domain code, not model attributes: populate_obj skips them.
    transient_fields: tuple[str, ...] = ()

    def _without_transients(self, form, save):
        names = (*self.transient_fields, "edit_version")
        form.transient = {n: form[n].data for n in names if n in form}
        removed = {n: form._fields.pop(n) for n in names if n in form._fields}
        try:
            return save()
        finally:
            form._fields.update(removed)

    def create_model(self, form):
        return self._without_transients(form, lambda: super(PortalModelView, self)
                                        .create_model(form))

    def check_not_stale(self, form, model) -> None:
        """Refuse a save made from an older version of the record than the current one."""
        field = form._fields.get("edit_version")
        if field is None or not hasattr(model, "version"):
            return
        if str(field.data or "") != str(model.version):
            raise StaleEdit(_("Someone else saved a newer version of this record while you were "
                              "editing. Nothing was overwritten: reload the page to see their "
                              "change, then apply yours again."))

    def update_model(self, form, model):
        try:
            self.check_not_stale(form, model)
        except DomainError as exc:
            flash(exc.message, "error")
            return False
        return self._without_transients(form, lambda: super(PortalModelView, self)
                                        .update_model(form, model))

    # --- errors: a message the user can act on, never raw SQL -------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        if isinstance(exc, StaleDataError):
            flash(_("Someone else changed this record at the same moment. Nothing was "
                    "overwritten: reload and try again."), "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(self.integrity_message(exc), "error")
            return True
        if isinstance(exc, OperationalError):
            flash(_("The database is busy or unavailable; nothing was saved. Try again."), "error")
            return True
        return super().handle_view_exception(exc)

    def integrity_message(self, exc: IntegrityError) -> str:
        """Explain a constraint failure by naming the field, without database text."""
        found = _UNIQUE_COLUMN.search(str(exc.orig))
        if found:
            column = found.group(1) or found.group(2)
            label = self.column_labels.get(column, column.replace("_", " ")) if self.column_labels \
                else column.replace("_", " ")
            return _("Another record already has this %(field)s.", field=str(label).lower())
        return _("This change conflicts with other records (it is still referenced or would "
                 "duplicate one). Nothing was saved.")

    # --- exports: streamed, capped, escaped -------------------------------------------------
    def export_rows(self):
        """Yield one list of export values per row in scope, in bounded batches."""
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        cap = current_app.config["EXPORT_MAX_ROWS"]
        _count, query = self.get_list(0, sort[0] if sort else None, view_args.sort_desc,
                                      view_args.search, view_args.filters, execute=False,
                                      page_size=cap)
        for row in query.yield_per(1000):
            yield [self.get_export_value(row, column) for column, _label in self._export_columns]

    @expose("/export/<export_type>/")
    def export(self, export_type: str):
        if not self.can_export or export_type not in self.export_types:
            abort(403)
        header = [str(label) for _column, label in self._export_columns]
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        name = secure_filename(f"{self.endpoint}-{stamp}.{export_type}")
        if export_type == "csv":
            body, mimetype = csv_stream(header, self.export_rows()), "text/csv; charset=utf-8"
        else:
            body = xlsx_stream(header, self.export_rows())
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(stream_with_context(body), mimetype=mimetype,
                        headers={"Content-Disposition": f"attachment; filename={name}"})


class ReadOnlyView(PortalModelView):
    """A model view nobody edits through the portal (history, audit)."""

    @property
    def can_create(self) -> bool:
        return False

    @property
    def can_edit(self) -> bool:
        return False

    @property
    def can_delete(self) -> bool:
        return False


class QueryOptions:
    """Filter options read from the database at request time (Flask-Admin caches at start)."""

    def __init__(self, load):
        self.load = load

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter(self.load())
