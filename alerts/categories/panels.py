"""Menu entry of the categories (配信区分) and the chain in force, for those who hold an
alert desk."""

from __future__ import annotations

from accounts.models import User
from accounts.navigation import NavEntry, register_nav

from . import policy


def reads_categories(user: User) -> bool:
    return bool(user.is_authenticated and policy.may_read(user))


def register() -> None:
    register_nav(NavEntry("配信区分", "alerts:category_list", reads_categories, order=54))
