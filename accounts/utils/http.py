"""What every view shares: method guards, turning a service's refusal into a field error
(`refused`, `Attempt`), and the page number of a list.

Method guards come first on a view: a wrong method is a 405 for everyone, signed in or not.
"""

from __future__ import annotations

from types import TracebackType

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

from accounts.exceptions import DomainError

GET_POST = require_http_methods(["GET", "POST"])
GET_ONLY = require_http_methods(["GET"])
POST_ONLY = require_http_methods(["POST"])


def add_errors(form: forms.Form, exc: ValidationError, *, default_field: str | None = None) -> None:
    """Put a service's or model's ValidationError where the user will look for it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)


def refused(
    form: forms.Form, exc: DomainError | ValidationError, *, default_field: str | None = None
) -> None:
    """A service said no: show why at the field it concerns, or above the form."""
    if isinstance(exc, ValidationError):
        add_errors(form, exc, default_field=default_field)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def page_number(request: HttpRequest) -> str | None:
    return request.GET.get("page")


class Attempt:
    """A view's one shape for calling a service::

        with Attempt(form) as attempt:          # or Attempt(request=request)
            card = services.card_file(actor=request.user, ...)
        if attempt.ok:
            messages.success(request, ...)
            return redirect(...)

    A refusal (DomainError, ValidationError) is shown at the field it concerns, or as the
    page's error message when there is no form, and nothing else happens; a permission
    refusal still goes up as a 403.
    """

    def __init__(
        self,
        form: forms.Form | None = None,
        *,
        request: HttpRequest | None = None,
        default_field: str | None = None,
    ) -> None:
        if form is None and request is None:
            raise TypeError("Attempt needs a form or a request to show a refusal on")
        self.form = form
        self.request = request
        self.default_field = default_field
        self.ok = False
        self.error: DomainError | ValidationError | None = None

    def __enter__(self) -> Attempt:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc is None:
            self.ok = True
            return False
        if isinstance(exc, DjangoPermissionDenied) or not isinstance(
            exc, DomainError | ValidationError
        ):
            return False
        self.error = exc
        if self.form is not None:
            refused(self.form, exc, default_field=self.default_field)
        elif self.request is not None:
            say_refusal(self.request, exc)
        return True


def say_refusal(request: HttpRequest, exc: DomainError | ValidationError) -> None:
    """A refusal as the page's error messages, one per reason."""
    if isinstance(exc, DomainError):
        messages.error(request, exc.message)
    else:
        for message in exc.messages:
            messages.error(request, message)
