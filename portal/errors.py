"""Error pages: a clear message for the user, never a stack trace or raw database text."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.extensions import db


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _page(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Attach handlers for HTTP errors, CSRF failures and database outages."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(400, _("Form expired"), _("The form was missing its security token or it "
                                               "expired. Reload the page and submit again."))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        titles = {403: _("Access denied"), 404: _("Page not found"), 400: _("Bad request"),
                  413: _("Upload too large")}
        messages = {403: _("You do not have access to this page or record."),
                    404: _("The page or record you asked for does not exist or is outside "
                           "your access.")}
        message = messages.get(exc.code) or exc.description or ""
        return _page(exc.code or 500, titles.get(exc.code, exc.name), message)

    @app.errorhandler(OperationalError)
    def _database_down(_exc):
        db.session.rollback()
        return _page(503, _("Database unavailable"), _("The portal cannot reach its database "
                                                       "right now. Try again in a minute."))

    @app.errorhandler(500)
    def _internal(_exc):
        db.session.rollback()
        return _page(500, _("Something went wrong"), _("The request could not be completed and "
                                                       "nothing was changed. Try again."))
