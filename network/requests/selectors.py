"""Reads of requests heard from liaison members: those addressed to the departments the
user works (accounts.permissions.departments_for); another department's or another
station's request is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import permissions
from accounts.exceptions import OutOfScope
from accounts.models import User
from network.requests.models import DepartmentRequest


def request_list(*, user: User) -> QuerySet[DepartmentRequest]:
    departments = permissions.departments_for(user)
    return DepartmentRequest.objects.filter(
        department__in=departments.values("pk"),
        station__in=departments.values("station_id"),
    ).select_related("station", "department", "exchange", "meeting", "raised_by", "closed_by")


def request_get(*, user: User, pk: int) -> DepartmentRequest:
    department_request = request_list(user=user).filter(pk=pk).first()
    if department_request is None:
        raise OutOfScope("network.departmentrequest", str(pk))
    return department_request
