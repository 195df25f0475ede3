"""Configuration from PORTAL_* variables and the production guard."""

import pytest

from portal import config
from portal.config import ConfigError


def test_development_start_generates_keys_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_AUDIT_KEY", raising=False)
    settings = config.from_environment()
    assert (tmp_path / "secret_key").read_text() == settings["SECRET_KEY"]
    assert (tmp_path / "audit_key").read_text() == settings["AUDIT_KEY"]
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.db'}"
    assert config.from_environment()["SECRET_KEY"] == settings["SECRET_KEY"]


def test_production_without_secret_key_refuses_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY is not set"):
        config.from_environment()


def test_production_without_audit_key_refuses(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "s" * 32)
    monkeypatch.delenv("PORTAL_AUDIT_KEY", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_AUDIT_KEY"):
        config.from_environment()


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("PORTAL_SECURE_COOKIES", "true")
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert settings["SESSION_COOKIE_SECURE"] is True
