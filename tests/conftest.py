"""Fixtures: an app on a temporary database (SQLite, or PostgreSQL when asked), clients, login."""

import os
import re

import pytest
from sqlalchemy import text

from models import AuditHead, Base, User
from models.audit import GENESIS
from portal import create_app
from portal.auth import hasher
from portal.demo import DEMO_PASSWORD, seed_demo
from portal.extensions import db

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
TEST_ACCOUNTS = 120
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp_path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'portal.db'}"


def reset_schema() -> None:
    """Drop and recreate every table and the audit chain head."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    else:
        Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    db.session.add(AuditHead(id=1, seq=0, hash=GENESIS))
    db.session.commit()


@pytest.fixture
def app(tmp_path):
    """A portal on a fresh database with a small demo data set."""
    app = create_app({
        "SKIP_ENVIRONMENT": True,
        "TESTING": True,
        "ENV": "development",
        "INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": "test-audit-key",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PASSWORD_FAST_HASH": True,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        "EXPORT_MAX_ROWS": 100000,
        "IMPORT_MAX_BYTES": 5 * 2**20,
    })
    with app.app_context():
        reset_schema()
        seed_demo(db.session, hasher().hash(DEMO_PASSWORD), accounts=TEST_ACCOUNTS,
                  documents=False)  # document tests build their own; demo documents have theirs
        db.session.commit()
    # No app context stays open during the test: each request gets its own, as in production
    # (a shared one would share `g` and the database session between requests).
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    """Read the CSRF token out of a rendered form."""
    found = CSRF_INPUT.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1)


class AuthActions:
    """Log in and out through the real login form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = DEMO_PASSWORD, follow: bool = False):
        page = self.client.get("/login")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token},
                                follow_redirects=follow)

    def token(self, path: str = "/") -> str:
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.token()})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def ctx(app):
    """An app context for tests that read or write the database directly."""
    with app.app_context():
        yield
        db.session.remove()


def user_named(username: str) -> User:
    """Fetch a user by username (inside an app context)."""
    return db.session.query(User).filter_by(username=username).one()
