"""`accounts` command group (bulk import lands here)."""

from flask.cli import AppGroup

accounts_cli = AppGroup("accounts", help="Debtor account commands.")
