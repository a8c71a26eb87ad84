from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "あんしんメール"

    def ready(self) -> None:
        from . import audit, navigation

        navigation.register()
        audit.register()

    def seed_demo(self) -> None:
        from .demo import seed_alerts

        seed_alerts()
