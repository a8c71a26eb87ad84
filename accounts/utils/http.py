"""What every view shares: method guards, turning a service's refusal into a field error,
and the page number of a list.

Method guards come first on a view: a wrong method is a 405 for everyone, signed in or not.
"""

from __future__ import annotations

from django import forms
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
