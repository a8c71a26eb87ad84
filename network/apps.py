from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "地域安全ネットワーク"

    def ready(self) -> None:
        from . import audit, navigation, retention

        navigation.register()
        audit.register()
        retention.register()

    def seed_demo(self) -> None:
        from .demo import seed_network

        seed_network()
