"""Requests heard from liaison members (seed 001 3⑴ウ), addressed to a department of the
station: they reach its inbox (accounts.inbox) and are closed there with what was done."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.inputs import free_text_field
from accounts.models import Department, Station
from accounts.utils.fields import actor_field
from network.exchanges.models import Exchange
from network.meetings.models import SafetyMeeting


class DepartmentRequest(models.Model):
    """意見・要望 heard in an exchange or a meeting, for one department to act on."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="network_requests", verbose_name="警察署"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="network_requests",
        verbose_name="対応する課",
    )
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="情報交換",
    )
    meeting = models.ForeignKey(
        SafetyMeeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="地域安全の会",
    )
    text = free_text_field("要望の内容")
    raised_on = models.DateField("受けた日")
    due_on = models.DateField("対応期限")
    raised_by = actor_field("記録した職員")
    closed_at = models.DateTimeField("対応済み日時", null=True, blank=True)
    closed_by = actor_field("対応済みにした職員", optional=True)
    action_taken = free_text_field("対応の内容", blank=True)

    class Meta:
        verbose_name = "連絡員からの要望"
        verbose_name_plural = "連絡員からの要望"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exchange__isnull=False, meeting__isnull=True)
                | Q(exchange__isnull=True, meeting__isnull=False),
                name="network_request_one_source",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(action_taken=""),
                name="network_request_closed_says_what",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "due_on"],
                condition=Q(closed_at__isnull=True),
                name="network_request_open",
            )
        ]

    def __str__(self) -> str:
        return f"要望 No.{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, today) -> bool:
        return self.closed_at is None and self.due_on < today
