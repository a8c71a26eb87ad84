"""What every liaison view shares: method guards, turning a refusal into a field error or a
message, and the page number of a list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.views.decorators.http import require_http_methods

from accounts.exceptions import DomainError
from accounts.forms.people import add_errors

if TYPE_CHECKING:
    pass


# Method checks come first: a wrong method is a 405 for everyone, signed in or not.
GET_POST = require_http_methods(["GET", "POST"])


GET_ONLY = require_http_methods(["GET"])


POST_ONLY = require_http_methods(["POST"])


def refused(form: forms.Form, exc: DomainError | ValidationError, *, default_field=None) -> None:
    """A service said no: show why at the field it concerns, or above the form."""
    if isinstance(exc, ValidationError):
        add_errors(form, exc, default_field=default_field)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def page_number(request) -> str | None:
    return request.GET.get("page")
