"""地域安全の会 (seed 001 3⑶): held 「随時」 by the station with its members, on its own or
joined to an existing meeting to spare the members a separate evening."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.inputs import free_text_field
from accounts.models import Station, User
from accounts.utils.fields import actor_field
from network.members.models import LiaisonMember


class SafetyMeeting(models.Model):
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="safety_meetings", verbose_name="警察署"
    )
    held_on = models.DateField("開催日")
    place = models.CharField("場所", max_length=120)
    # Blank: held on its own; otherwise the existing meeting it was joined to (3⑶なお書き).
    joined_to = models.CharField(
        "合わせて開催した会合", max_length=120, blank=True, help_text="単独開催なら空欄"
    )
    members = models.ManyToManyField(
        LiaisonMember, blank=True, related_name="safety_meetings", verbose_name="出席した連絡員"
    )
    staff = models.ManyToManyField(
        User, blank=True, related_name="safety_meetings", verbose_name="出席した職員"
    )
    agenda = free_text_field("議題")
    minutes = free_text_field("議事の概要", blank=True)
    recorded_by = actor_field("記録した職員")
    recorded_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "地域安全の会"
        verbose_name_plural = "地域安全の会"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"地域安全の会（{self.place}）"
