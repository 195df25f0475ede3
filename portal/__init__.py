"""Application factory of the collections portal."""

from flask import Flask, g, request
from flask_login import current_user

from portal import config as portal_config
from portal.extensions import babel, csrf, db, login_manager, migrate

SUPPORTED_LOCALES = ["en", "vi"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then environment and instance folder, then the test dict."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(portal_config.DEFAULTS)
    if test_config is None or not test_config.get("SKIP_ENVIRONMENT"):
        app.config.from_mapping(portal_config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    app.instance_path = app.config["INSTANCE_DIR"]

    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)

    from admin_views import init_admin
    from portal.cli import register_cli
    from portal.errors import register_error_handlers

    init_admin(app)
    register_cli(app)
    register_error_handlers(app)
    return app


def _select_locale() -> str:
    from flask import has_request_context

    if not has_request_context():
        return "en"  # CLI and background work
    preferred = getattr(current_user, "locale", None) if current_user else None
    return preferred or request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def _translate(text: str) -> str:
    """Translate domain messages when a request or app context gives a locale."""
    from flask import has_app_context
    from flask_babel import gettext

    return gettext(text) if has_app_context() and text else text


def _init_extensions(app: Flask) -> None:
    from models.errors import set_translator
    from portal import audit
    from portal.database import tune_sqlite

    set_translator(_translate)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(portal_config.ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    with app.app_context():
        tune_sqlite(db.engine)
    audit.install(db.session.session_factory.class_, _audit_key)


def _audit_key() -> bytes:
    from flask import current_app

    return current_app.config["AUDIT_KEY"].encode()


def _register_blueprints(app: Flask) -> None:
    from portal.auth import bp as auth_bp
    from portal.health import bp as health_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)


def _register_request_hooks(app: Flask) -> None:
    from portal import audit
    from portal.headers import apply_security_headers, reject_foreign_redirects

    @app.before_request
    def _bind_actor():
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or audit.new_request_id()
        user = current_user if current_user and current_user.is_authenticated else None
        audit.bind(user.username if user else "anonymous", g.request_id)

    @app.teardown_request
    def _unbind_actor(_exc):
        # Threads are reused between requests: never let one request's actor leak into the next.
        audit.bind("system", "")

    app.before_request(reject_foreign_redirects)
    app.after_request(apply_security_headers)
