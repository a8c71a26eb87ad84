from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "職員・組織・権限"

    def ready(self) -> None:
        from . import navigation, signals  # noqa: F401  (connect sign-in listeners)
        from .audit.history import register_accounts_sources

        navigation.register_accounts_entries()
        register_accounts_sources()
