"""Menu entries and home panels of this feature, registered with accounts.navigation; and
its source of the department inbox (accounts.inbox)."""

from network.requests import inbox


def register() -> None:
    inbox.register()
