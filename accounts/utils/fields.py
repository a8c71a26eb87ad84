"""Model fields every app declares alike: who recorded, set, decided or closed a row.

A person who acted on a record is kept while the record is (PROTECT: staff are disabled,
never deleted), is not a way back from the user (no reverse accessor), and is set by the
service that did the work, not typed in a form (not editable), unless said otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def actor_field(
    verbose_name: str, *, optional: bool = False, editable: bool = False
) -> models.ForeignKey:
    """The staff member who did something to this row (設定者, 記録者, 決裁者 …); optional for a
    step that may not have happened yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name,
        editable=editable,
        null=optional,
        blank=optional,
    )
