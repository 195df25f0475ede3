"""Every setting of the portal, each read from its PORTAL_* environment variable."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (setting, environment variable, default, description) — README's table is generated from this.
SETTINGS = [
    ("INSTANCE_DIR", "PORTAL_INSTANCE_DIR", "instance/",
     "Folder for the SQLite database, keys and every other runtime file."),
    ("SQLALCHEMY_DATABASE_URI", "PORTAL_DATABASE_URL", "sqlite:///<instance>/portal.db",
     "Database URL (SQLite or postgresql+psycopg://...)."),
    ("SECRET_KEY", "PORTAL_SECRET_KEY", "<instance>/secret_key",
     "Signs sessions and CSRF tokens. Required in production."),
    ("AUDIT_KEY", "PORTAL_AUDIT_KEY", "<instance>/audit_key",
     "HMAC key of the audit chain; keep it outside the database."),
    ("ENV", "PORTAL_ENV", "development",
     "`production` refuses to start without PORTAL_SECRET_KEY and PORTAL_AUDIT_KEY."),
    ("SESSION_COOKIE_SECURE", "PORTAL_SECURE_COOKIES", "false",
     "Send session cookies over https only (set true behind TLS)."),
    ("LOGIN_MAX_FAILURES", "PORTAL_LOGIN_MAX_FAILURES", "5",
     "Failed logins before the account is locked."),
    ("LOGIN_LOCK_MINUTES", "PORTAL_LOGIN_LOCK_MINUTES", "15", "How long a lockout lasts."),
    ("EXPORT_MAX_ROWS", "PORTAL_EXPORT_MAX_ROWS", "100000", "Cap on rows in one CSV/XLSX export."),
    ("IMPORT_MAX_BYTES", "PORTAL_IMPORT_MAX_BYTES", "52428800", "Largest CSV upload accepted."),
    ("DOCX_MAX_BYTES", "PORTAL_DOCX_MAX_BYTES", "20971520",
     "Largest Word (.docx) upload accepted for a policy document."),
    ("DOCX_MAX_UNPACKED_BYTES", "PORTAL_DOCX_MAX_UNPACKED_BYTES", "209715200",
     "Largest total unpacked size of a .docx (zip-bomb guard)."),
    ("BASE_URL", "PORTAL_BASE_URL", "http://127.0.0.1:5000",
     "The portal's address as users reach it; links in e-mails start with it."),
    ("SMTP_HOST", "PORTAL_SMTP_HOST", "",
     "Mail server for e-mail notifications; empty turns e-mail off (in-app only)."),
    ("SMTP_PORT", "PORTAL_SMTP_PORT", "25", "Mail server port."),
    ("SMTP_FROM", "PORTAL_SMTP_FROM", "portal@localhost",
     "Sender address of notification e-mails."),
    ("SMTP_USER", "PORTAL_SMTP_USER", "", "Login on the mail server, if it asks for one."),
    ("SMTP_PASSWORD", "PORTAL_SMTP_PASSWORD", "", "Password of that login."),
    ("SMTP_STARTTLS", "PORTAL_SMTP_STARTTLS", "false",
     "Upgrade the connection with STARTTLS before logging in and sending."),
    ("SMTP_TIMEOUT", "PORTAL_SMTP_TIMEOUT", "10",
     "Seconds to wait for the mail server before leaving e-mails for the next try."),
]


class ConfigError(RuntimeError):
    """The portal cannot start with this configuration."""


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_dir() -> Path:
    """Return the instance folder from PORTAL_INSTANCE_DIR or the repository default."""
    return Path(os.environ.get("PORTAL_INSTANCE_DIR") or ROOT / "instance").resolve()


def key_file(folder: Path, name: str, create: bool) -> str | None:
    """Read a key file from the instance folder, creating it when asked and missing."""
    path = folder / name
    if path.exists():
        return path.read_text().strip()
    if not create:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


def from_environment() -> dict:
    """Build the configuration from PORTAL_* variables and the instance folder."""
    folder = instance_dir()
    production = os.environ.get("PORTAL_ENV", "development") == "production"
    secret = os.environ.get("PORTAL_SECRET_KEY") or key_file(folder, "secret_key", not production)
    audit = os.environ.get("PORTAL_AUDIT_KEY") or key_file(folder, "audit_key", not production)
    if production and not secret:
        raise ConfigError("PORTAL_SECRET_KEY is not set: a production portal will not start "
                          "without its own secret key (see README, Configuration).")
    if production and not audit:
        raise ConfigError("PORTAL_AUDIT_KEY is not set: a production portal will not start "
                          "without the audit chain key (see README, Configuration).")
    return {
        "ENV": "production" if production else "development",
        "INSTANCE_DIR": str(folder),
        "SECRET_KEY": secret,
        "AUDIT_KEY": audit,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("PORTAL_DATABASE_URL")
        or f"sqlite:///{folder / 'portal.db'}",
        "SESSION_COOKIE_SECURE": _truthy(os.environ.get("PORTAL_SECURE_COOKIES", "false")),
        "LOGIN_MAX_FAILURES": int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("PORTAL_LOGIN_LOCK_MINUTES", "15")),
        "EXPORT_MAX_ROWS": int(os.environ.get("PORTAL_EXPORT_MAX_ROWS", "100000")),
        "IMPORT_MAX_BYTES": int(os.environ.get("PORTAL_IMPORT_MAX_BYTES", str(50 * 2**20))),
        "DOCX_MAX_BYTES": int(os.environ.get("PORTAL_DOCX_MAX_BYTES", str(20 * 2**20))),
        "DOCX_MAX_UNPACKED_BYTES": int(os.environ.get("PORTAL_DOCX_MAX_UNPACKED_BYTES",
                                                      str(200 * 2**20))),
        **_mail_settings(),
    }


def _mail_settings() -> dict:
    """Read the e-mail settings (PORTAL_SMTP_* and the base URL of links)."""
    env = os.environ.get
    return {
        "BASE_URL": env("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "SMTP_HOST": env("PORTAL_SMTP_HOST", "").strip(),
        "SMTP_PORT": int(env("PORTAL_SMTP_PORT", "25")),
        "SMTP_FROM": env("PORTAL_SMTP_FROM", "portal@localhost"),
        "SMTP_USER": env("PORTAL_SMTP_USER", ""),
        "SMTP_PASSWORD": env("PORTAL_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _truthy(env("PORTAL_SMTP_STARTTLS", "false")),
        "SMTP_TIMEOUT": float(env("PORTAL_SMTP_TIMEOUT", "10")),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "FLASK_ADMIN_SWATCH": "cerulean",
    "FLASK_ADMIN_FLUID_LAYOUT": True,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "MAX_CONTENT_LENGTH": 60 * 2**20,
    "PASSWORD_MIN_LENGTH": 12,
    # Also read from the environment in from_environment(); defaults here so an app built
    # from a plain settings dict (tests, scripts) behaves the same.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "EXPORT_MAX_ROWS": 100_000,
    "IMPORT_MAX_BYTES": 50 * 2**20,
    "DOCX_MAX_BYTES": 20 * 2**20,
    "DOCX_MAX_UNPACKED_BYTES": 200 * 2**20,
    "ENV": "development",
    # E-mail is off until SMTP_HOST is set.
    "BASE_URL": "http://127.0.0.1:5000",
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_FROM": "portal@localhost",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 10.0,
}


def settings_markdown() -> str:
    """Render the configuration table README shows."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{env}` | `{default}` | {text} |" for _key, env, default, text in SETTINGS]
    return "\n".join(lines)
