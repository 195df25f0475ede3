"""Debtor accounts: scoped list with filters, masked personal data and bulk reassignment."""

import unicodedata
from functools import lru_cache

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from admin_views import options
from admin_views.base import PortalModelView
from admin_views.formatting import money, number
from admin_views.list_rows import page_value
from admin_views.listing import starts_with
from models import DebtorAccount, User
from models.account import Bucket, DebtGroup
from models.errors import DomainError
from portal import accounts as account_actions
from portal import labels, security
from portal.extensions import db


def _may_see_national_id() -> bool:
    return security.can(current_user, "accounts.national_id")


def _masked_id(view, context, model, name):
    # security.shown_national_id's rule, with its permission asked once per page, not per row.
    if page_value("may_see_national_id", _may_see_national_id):
        return model.national_id
    return security.mask(model.national_id)


def _masked_phone(view, context, model, name):
    return security.shown_phone(current_user, getattr(model, name))


_BUCKET_TONES = {"current": "success", "1-30": "info", "31-60": "warning", "61-90": "warning"}


@lru_cache(maxsize=64)
def _badge_for(bucket: str) -> Markup:
    # A handful of buckets, 25 badges a page: build each badge's HTML once.
    return Markup('<span class="badge badge-bucket badge-{}">{}</span>').format(
        _BUCKET_TONES.get(bucket, "danger"), bucket)


def _bucket_badge(view, context, model, name):
    return _badge_for(model.bucket)


def prefix_search(search: str, dialect: str):
    """Match accounts whose number or customer name starts with the search text."""
    text = unicodedata.normalize("NFC", search.strip())
    # Names are stored title-cased ("Nguyễn Văn An"): try the text as typed and title-cased.
    names = sorted({text, text.title()})
    return or_(starts_with(DebtorAccount.account_number, text.upper(), dialect),
               *(starts_with(DebtorAccount.customer_name, name, dialect) for name in names))


FLAGS = (("do_not_contact", _l("Do not contact")), ("dispute", _l("Dispute")),
         ("deceased", _l("Deceased")), ("fraud_suspect", _l("Fraud suspect")))


_NO_FLAGS = Markup("")


def _flags(view, context, model, name):
    # Most accounts carry no flag: translate only the ones that are set.
    texts = [text for field, text in FLAGS if getattr(model, field)]
    if not texts:
        return _NO_FLAGS
    return Markup(" ").join(Markup('<span class="badge badge-secondary">{}</span>').format(text)
                            for text in texts)


@lru_cache(maxsize=1)
def _eager() -> tuple:
    # The list shows the collector's name only: skip loading their roles for each page.
    # Loader options are immutable: built once, not for every list page.
    return (joinedload(DebtorAccount.collector).lazyload(User.role_links),
            joinedload(DebtorAccount.team))


class AccountView(PortalModelView):
    """Accounts in the user's scope."""

    permission = "accounts"
    column_list = ["account_number", "customer_name", "national_id", "product", "total_due",
                   "days_past_due", "bucket", "debt_group", "region", "status", "collector",
                   "team", "flags"]
    column_details_list = ["account_number", "customer_name", "national_id", "phone_primary",
                           "phone_secondary", "product", "outstanding_principal",
                           "overdue_interest", "fees", "total_due", "days_past_due", "bucket",
                           "debt_group", "region", "status", "do_not_contact", "dispute",
                           "deceased", "fraud_suspect", "collector", "team", "updated_at"]
    column_export_list = ["account_number", "customer_name", "national_id", "product",
                          "outstanding_principal", "overdue_interest", "fees", "days_past_due",
                          "bucket", "debt_group", "region", "status", "collector", "team"]
    column_labels = {"account_number": _l("Account no."), "customer_name": _l("Customer"),
                     "national_id": _l("National ID"), "total_due": _l("Total due (VND)"),
                     "days_past_due": _l("DPD"), "debt_group": _l("Debt group"),
                     "phone_primary": _l("Primary phone"), "phone_secondary": _l("Other phone"),
                     "outstanding_principal": _l("Principal (VND)"),
                     "overdue_interest": _l("Interest (VND)"), "fees": _l("Fees (VND)"),
                     "do_not_contact": _l("Do not contact"), "fraud_suspect": _l("Fraud suspect"),
                     "updated_at": _l("Last updated")}
    column_descriptions = {
        "days_past_due": _l("Days past due. The bucket and the SBV debt group follow from it."),
        "debt_group": _l("State Bank of Vietnam debt group: 1 standard, 2 special mention, "
                         "3 substandard, 4 doubtful, 5 loss."),
    }
    column_sortable_list = ["account_number", "customer_name", "days_past_due", "debt_group",
                            "outstanding_principal", "region", "status", "bucket"]
    column_default_sort = [("days_past_due", True), ("id", True)]
    column_searchable_list = ["account_number", "customer_name"]
    column_formatters = {"product": labels.formatter(labels.PRODUCT),
                         "status": labels.formatter(labels.ACCOUNT_STATUS),
                         "national_id": _masked_id, "phone_primary": _masked_phone,
                         "phone_secondary": _masked_phone, "bucket": _bucket_badge,
                         "flags": _flags, "total_due": lambda v, c, m, n: money(m.total_due),
                         "outstanding_principal": lambda v, c, m, n: money(m.outstanding_principal),
                         "overdue_interest": lambda v, c, m, n: money(m.overdue_interest),
                         "fees": lambda v, c, m, n: money(m.fees),
                         "days_past_due": lambda v, c, m, n: number(m.days_past_due)}
    column_formatters_export = {"national_id": _masked_id, "collector": lambda v, c, m, n:
                                m.collector.username if m.collector else "",
                                "team": lambda v, c, m, n: m.team.name if m.team else ""}
    column_filters = [
        filters.FilterEqual(DebtorAccount.bucket, _l("Bucket"),
                            options=[(b.value, b.value) for b in Bucket]),
        # Integer filters clean the URL text to int: PostgreSQL refuses integer = varchar.
        filters.IntEqualFilter(DebtorAccount.debt_group, _l("Debt group"),
                               options=[(g.value, str(g.value)) for g in DebtGroup]),
        filters.FilterEqual(DebtorAccount.status, _l("Status"),
                            options=labels.choices(labels.ACCOUNT_STATUS)),
        filters.FilterEqual(DebtorAccount.product, _l("Product"),
                            options=labels.choices(labels.PRODUCT)),
        filters.FilterEqual(DebtorAccount.region, _l("Region")),
        filters.IntEqualFilter(DebtorAccount.team_id, _l("Team"),
                               options=options.TEAMS),
        filters.IntEqualFilter(DebtorAccount.collector_id, _l("Collector"),
                               options=options.ACTIVE_STAFF),
        filters.FilterEqual(DebtorAccount.account_number, _l("Account no.")),
    ]
    form_columns = ["account_number", "customer_name", "national_id", "phone_primary",
                    "phone_secondary", "product", "outstanding_principal", "overdue_interest",
                    "fees", "days_past_due", "region", "status", "do_not_contact", "dispute",
                    "deceased", "fraud_suspect"]
    form_choices = {"product": labels.choices(labels.PRODUCT),
                    "status": labels.choices(labels.ACCOUNT_STATUS)}
    action_permissions = {"reassign": "accounts.reassign"}

    def get_query(self):
        return super().get_query().options(*_eager())

    def search_placeholder(self) -> str:
        return _("Account no. or customer name, starting with")

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # Whole-text prefix instead of Flask-Admin's '%word%' per word: no index can answer a
        # leading wildcard, and at 1M rows each search would read the whole table.
        clause = prefix_search(search, db.engine.dialect.name)
        if count_query is not None:
            count_query = count_query.filter(clause)
        return query.filter(clause), count_query, joins, count_joins

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        allowed = account_actions.editable_fields(current_user)
        if allowed is not None:
            for name in [n for n in form._fields if n not in allowed | {"csrf_token",
                                                                       "edit_version"}]:
                del form[name]
        return form

    def on_model_delete(self, model):
        super().on_model_delete(model)
        account_actions.check_deletable(db.session, current_user, model)

    @action("reassign", _l("Reassign to collector"))
    def action_reassign(self, ids):
        return self._render_reassign([int(i) for i in ids if str(i).isdigit()])

    def _render_reassign(self, ids, reason="", status=200):
        accounts = db.session.scalars(
            select(DebtorAccount).where(DebtorAccount.id.in_(ids),
                                        security.account_filter(current_user,
                                                                "accounts.reassign"))
            .order_by(DebtorAccount.account_number)
        ).all()
        choices = account_actions.eligible_collectors(db.session, current_user)
        return self.render("admin/reassign.html", accounts=accounts, choices=choices,
                           reason=reason, back=url_for(".index_view")), status

    @expose("/reassign/", methods=("POST",))
    def reassign_view(self):
        if not security.can(current_user, "accounts.reassign"):
            abort(403)
        ids = [int(i) for i in request.form.getlist("account_id") if i.isdigit()]
        team_id, _sep, collector_id = request.form.get("target", "").partition(":")
        reason = request.form.get("reason", "")
        try:
            if not (team_id.isdigit() and collector_id.isdigit()):
                raise DomainError(_("Choose the collector who takes over the accounts."))
            made = account_actions.reassign_accounts(db.session, current_user, ids,
                                                     int(team_id), int(collector_id), reason)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._render_reassign(ids, reason, status=400)
        flash(_("%(n)d account(s) reassigned to %(who)s.", n=len(made),
                who=escape(made[0].collector.full_name)), "success")
        return redirect(url_for(".index_view"))
