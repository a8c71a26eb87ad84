"""Atom feeds of the archive (django.contrib.syndication, Atom1Feed): the newest public
alerts, for one area, one category, or both (the archive's filter, ?area=&category=).

Each entry's id is a tag URI made of the sending domain, the Tokyo date the alert went out
and its number, so it never changes; its link is the archive page; published is the time
the fan-out began, updated the same (or the withdrawal's time: a reader fetches it again and
sees 「取消」). A withdrawn entry says so and carries the reason, never the body.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from accounts.utils.dates import local_date

from ..drafts.models import Alert
from ..subscribers.services import public_url
from . import cap, selectors
from .forms import ArchiveFilterForm

FEED_SIZE = 50
WITHDRAWN = "この配信は取り消されました。"


def entry_id(alert: Alert) -> str:
    """tag:anshin.example.jp,2026-12-02:alert-15 (RFC 4151): stable for ever."""
    sent = alert.sending_started_at
    assert sent is not None  # noqa: S101 (public alerts only)
    return f"tag:{settings.ALERTS_SENDING_DOMAIN},{local_date(sent).isoformat()}:alert-{alert.pk}"


def _tokyo(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def feed_title(filters: dict[str, Any]) -> str:
    parts = [filters["area"].label] if filters.get("area") else []
    if filters.get("category"):
        parts.append(filters["category"].name)
    return "あんしんメール 配信情報" + (f"（{'・'.join(parts)}）" if parts else "")


class ArchiveFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        form = ArchiveFilterForm(request.GET)
        if not form.is_valid():
            raise Http404("指定の地域または配信区分はありません。")
        filters = {k: v for k, v in form.cleaned_data.items() if k != "month" and v}
        filters["query"] = request.GET.urlencode()
        return filters

    def title(self, obj: dict[str, Any]) -> str:
        return feed_title(obj)

    def subtitle(self, obj: dict[str, Any]) -> str:
        return "警察から配信した地域の犯罪・不審者・行方不明者などの情報（配信済みのもの）"

    def link(self, obj: dict[str, Any]) -> str:
        query = obj.get("query")
        url = reverse("anshin:archive_list")
        return public_url(url + (f"?{query}" if query else ""))

    def feed_url(self, obj: dict[str, Any]) -> str:
        query = obj.get("query")
        url = reverse("anshin:archive_feed")
        return public_url(url + (f"?{query}" if query else ""))

    def author_name(self) -> str:
        return "あんしんメール"

    def items(self, obj: dict[str, Any]) -> list[Alert]:
        alerts = selectors.archive_list(area=obj.get("area"), category=obj.get("category"))
        return list(alerts[:FEED_SIZE])

    def item_title(self, item: Alert) -> str:
        return f"【取消】{item.title}" if item.withdrawn_at else item.title

    def item_description(self, item: Alert) -> str:
        if item.withdrawn_at:
            return f"{WITHDRAWN}理由：{item.withdrawn_reason}"
        return item.body

    def item_link(self, item: Alert) -> str:
        return cap.archive_url(item)

    def item_guid(self, item: Alert) -> str:
        return entry_id(item)

    item_guid_is_permalink = False

    # In Tokyo time (+09:00), as every time a person reads.
    def item_pubdate(self, item: Alert) -> dt.datetime | None:
        return _tokyo(item.sending_started_at)

    def item_updateddate(self, item: Alert) -> dt.datetime | None:
        return _tokyo(item.withdrawn_at or item.sending_started_at)

    def item_categories(self, item: Alert) -> list[str]:
        return [item.category.name]

    def item_author_name(self, item: Alert) -> str:
        return selectors.sender_name(item)
