"""Domain errors: each carries a message a user can act on, translated when shown."""

from collections.abc import Callable

# The domain layer knows no Flask: the portal installs Flask-Babel's gettext here at start-up.
_translate: Callable[[str], str] = lambda text: text  # noqa: E731 - identity until installed


def set_translator(translate: Callable[[str], str]) -> None:
    """Install the function that translates message templates and labels."""
    global _translate
    _translate = translate


def translate(text: str) -> str:
    """Translate a message template or field label with the installed translator."""
    return _translate(text)


def N_(text: str) -> str:
    """Mark a string for extraction into the message catalogs without translating it now."""
    return text


class DomainError(Exception):
    """Base of every error the domain layer raises on purpose.

    The message is a template with %(name)s placeholders; `label` parameters are translated too.
    """

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.template = message
        self.params = params

    @property
    def message(self) -> str:
        """Return the message in the current user's language."""
        params = {k: translate(v) if k == "label" else v for k, v in self.params.items()}
        text = translate(self.template)
        return text % params if params else text

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    """The acting user may not do this."""


class NotFound(DomainError):
    """The record does not exist or is outside the user's scope."""


class ValidationError(DomainError):
    """Input breaks a business rule."""


class StaleEdit(DomainError):
    """Someone else saved a newer version of the record first."""


class InvalidTransition(DomainError):
    """The workflow does not allow this action in the current state."""
