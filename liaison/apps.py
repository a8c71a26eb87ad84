from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "巡回連絡"

    def ready(self) -> None:
        from . import audit, navigation, signals  # noqa: F401

        navigation.register()
        audit.register()
        # A follow-up naming a department reaches its inbox (accounts.inbox).
        from .visits import inbox

        inbox.register()

    def seed_demo(self) -> None:
        from .demo import seed_cards

        seed_cards()
