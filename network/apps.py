from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "地域安全ネットワーク"

    def ready(self) -> None:
        from . import audit, navigation

        navigation.register()
        audit.register()
