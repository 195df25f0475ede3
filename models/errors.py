"""Domain errors: each carries a message a user can act on."""


class DomainError(Exception):
    """Base of every error the domain layer raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
