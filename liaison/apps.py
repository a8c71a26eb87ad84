from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "巡回連絡"

    def ready(self) -> None:
        from . import audit, navigation, signals  # noqa: F401

        navigation.register()
        audit.register()

    def seed_demo(self) -> None:
        from .demo import seed_cards

        seed_cards()
