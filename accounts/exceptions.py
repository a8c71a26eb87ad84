"""The project's one family of domain errors. Views turn them into messages or field
errors with a 4xx status; they never reach the user as a 500."""

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404


class DomainError(Exception):
    """A rule refused the change; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionError(DomainError):
    """The object is not in a state that allows this step."""


class StaleEditError(DomainError):
    """Someone else saved the object after this editor opened it."""


class PermissionDenied(DomainError, DjangoPermissionDenied):
    """In scope but not allowed to act (a 403)."""


class OutOfScope(Http404):
    """The object exists but lies outside the user's scope; answered as a 404 and logged."""

    def __init__(self, object_type: str = "", object_id: str = ""):
        super().__init__("ページが見つかりません。")
        self.object_type = object_type
        self.object_id = object_id


class BadInput(BadRequest):
    """A request parameter that cannot be read (a 400 whose page says what was wrong)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
