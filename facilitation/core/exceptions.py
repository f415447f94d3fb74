"""Domain errors raised by services and turned into HTTP responses by ``core.errors``.

Services never import werkzeug: they say *what* went wrong, the web layer says how
to show it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every error a service raises on purpose."""


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""


class Forbidden(DomainError):
    """The actor is known to be allowed to see the object but not to do this."""


class ValidationError(DomainError):
    """Input refused by a business rule; ``message`` is a translated sentence for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
