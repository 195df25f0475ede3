"""README documents what the code does."""

from pathlib import Path

from portal.config import settings_markdown
from portal.security import matrix_markdown

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_permission_table_matches_the_code():
    assert matrix_markdown() in README


def test_readme_configuration_table_matches_the_code():
    assert settings_markdown() in README


def test_readme_names_the_two_commands_and_demo_logins():
    for text in ("make run", "make test", "demo-password", "collector1", "auditor"):
        assert text in README
