"""Liveness and database health check for load balancers and monitoring."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Answer 200 with the database status, or 503 when the database is unreachable."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        database = "ok"
    except Exception as exc:
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(exc).__name__), 503
    return jsonify(status="ok", database=database, engine=db.engine.dialect.name)
