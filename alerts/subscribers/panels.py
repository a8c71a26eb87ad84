"""Menu entries of subscribers: every member of staff's own subscription (seed 003 6⑸), and
for a station's 所属長 how many of its staff have subscribed."""

from __future__ import annotations

from accounts.navigation import NavEntry, register_nav

from . import policy


def register() -> None:
    register_nav(
        NavEntry("あんしんメールの登録", "alerts:my_subscription", policy.may_subscribe, 86)
    )
    register_nav(
        NavEntry("職員の会員登録の状況", "alerts:staff_subscriptions", policy.may_count_staff, 87)
    )
