"""課の対応事項: the department inbox. The user's departments with their counts, and one
department's requests from every source (accounts.inbox.registry), each linking to the
source's own page, where it is read and closed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from accounts.services import access_event_record
from accounts.utils.http import GET_ONLY, page_number

from . import selectors
from .forms import InboxFilterForm
from .registry import OVERDUE, STATES, inbox_sources

PER_PAGE = 25


@GET_ONLY
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The departments the user works, with what waits in each."""
    return render(
        request,
        "accounts/inbox/inbox.html",
        {"departments": selectors.inbox_counts(user=request.user), "here": "課の対応事項"},
    )


@GET_ONLY
@login_required
def inbox_department(request: HttpRequest, pk: int) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    state = form.state_value()
    items = selectors.inbox_list(user=request.user, department=pk, state=state)
    department = items.department
    page = Paginator(items, PER_PAGE).get_page(page_number(request))
    access_event_record(
        user=request.user,
        action=AccessEvent.Action.LIST,
        object_type="accounts.department",
        object_id=department.pk,
        station=department.station,
        summary=f"課の対応事項 {department.name}（{STATES[state]}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
        record_count=len(page.object_list),
    )
    today = timezone.localdate()
    labels = {source.key: source.label for source in inbox_sources()}
    return render(
        request,
        "accounts/inbox/department.html",
        {
            "department": department,
            "departments": selectors.inbox_departments(user=request.user),
            "form": form,
            "state": state,
            "state_label": STATES[state],
            "states": [
                (key, label, f"{reverse('accounts:inbox_department', args=[pk])}?state={key}")
                for key, label in STATES.items()
            ],
            "page": page,
            "rows": [
                {"item": item, "overdue": item.is_overdue(today), "source": labels[item.source]}
                for item in page.object_list
            ],
            "overdue_state": OVERDUE,
            "here": f"{department.name}の対応事項",
        },
    )
