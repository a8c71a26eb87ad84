"""お知らせ (Notice): a line on someone's home page, and a mail where configured."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .users import User


class Notice(models.Model):
    """お知らせ: a line on someone's home page, and a mail where configured.

    It carries no personal data, only a title and a link: whoever follows the link passes
    the same permission checks as anyone else.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name="宛先"
    )
    title = models.CharField("件名", max_length=200)
    url = models.CharField("リンク", max_length=300, blank=True)
    created_at = models.DateTimeField("日時", default=timezone.now)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The home panel: a person's unread notices, newest first.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="accounts_notice_inbox"
            ),
        ]

    def __str__(self) -> str:
        return self.title
