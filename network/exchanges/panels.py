"""Menu entries and home panels of this feature, registered with accounts.navigation."""


def register() -> None:
    """Nothing to register yet."""
