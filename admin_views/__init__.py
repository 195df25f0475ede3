"""Flask-Admin views: declarations plus one-line calls into domain code."""

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_views import formatting
from admin_views.accounts import AccountView
from admin_views.assignments import AssignmentView
from admin_views.audit import AuditView
from admin_views.dashboard import DashboardView
from admin_views.documents import PolicyDocumentView, local_day
from admin_views.imports import AccountImportView
from admin_views.inbox import InboxView, document_proposals, inbox_badge
from admin_views.proposals import ProposalView
from admin_views.review_rules import ReviewRuleView
from admin_views.teams import MembershipView, TeamView
from admin_views.users import UserView
from models import (
    Assignment,
    AuditEntry,
    DebtorAccount,
    PolicyDocument,
    RedlineProposal,
    Team,
    TeamMembership,
    User,
    WorkflowRule,
)


def init_admin(app: Flask) -> Admin:
    """Build the admin inside the factory (a module-level Admin breaks a second app)."""
    app.jinja_env.filters.update(local_time=formatting.local_time, money=formatting.money,
                                 local_date=formatting.local_date,
                                 local_day=local_day)
    app.jinja_env.globals.update(inbox_badge=inbox_badge, document_proposals=document_proposals)
    admin = Admin(
        app,
        name=_l("Collections Portal"),
        theme=Bootstrap4Theme(swatch="cerulean", fluid=True,
                              base_template="admin/portal_master.html"),
        index_view=DashboardView(name=_l("Dashboard"), url="/", endpoint="admin"),
    )
    admin.add_view(AccountView(DebtorAccount, name=_l("Accounts"), endpoint="accounts",
                               category=_l("Collections")))
    admin.add_view(AssignmentView(Assignment, name=_l("Assignments"), endpoint="assignments",
                                  category=_l("Collections")))
    admin.add_view(AccountImportView(name=_l("Import accounts"), endpoint="account_import",
                                     url="/import/accounts", category=_l("Collections")))
    admin.add_view(PolicyDocumentView(PolicyDocument, name=_l("Policy documents"),
                                      endpoint="documents", url="/documents",
                                      category=_l("Policies")))
    admin.add_view(ProposalView(RedlineProposal, name=_l("Proposals"), endpoint="proposals",
                                url="/proposals", category=_l("Policies")))
    admin.add_link(MenuLink(name=_l("My acknowledgements"), endpoint="documents.pending",
                            category=_l("Policies")))
    admin.add_view(InboxView(name=_l("Awaiting my action"), endpoint="inbox",
                             url="/proposals/inbox", category=_l("Policies")))
    admin.add_view(TeamView(Team, name=_l("Teams"), endpoint="teams", category=_l("Staff")))
    admin.add_view(MembershipView(TeamMembership, name=_l("Memberships"),
                                  endpoint="memberships", category=_l("Staff")))
    admin.add_view(UserView(User, name=_l("Users"), endpoint="users", category=_l("Staff")))
    admin.add_view(ReviewRuleView(WorkflowRule, name=_l("Review rules"), endpoint="review_rules",
                                  url="/review-rules", category=_l("Administration")))
    admin.add_view(AuditView(AuditEntry, name=_l("Audit trail"), endpoint="audit"))
    return admin
