from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "職員・組織・権限"

    def ready(self) -> None:
        from django import forms
        from django.urls import register_converter

        from .inputs import IdConverter, validate_date_range, validate_text

        # First, before any module with URL patterns is imported: every URL id goes through
        # one reader (an id PostgreSQL cannot hold is a 404), and every text field of every
        # form refuses direction and control characters. NUL is refused by Django's own
        # validator, whose Japanese message locale/ja corrects.
        register_converter(IdConverter, "id")
        forms.CharField.default_validators = [validate_text]
        # And every date a form takes lies between 1900 and 2100.
        forms.DateField.default_validators = [validate_date_range]
        forms.DateTimeField.default_validators = [validate_date_range]

        from django.db.models.signals import post_migrate

        from . import navigation, signals

        # The audit (accounts.audit, an app of its own) registers its entries itself.
        navigation.register_accounts_entries()
        # After auth's own listener has made the permissions a migration added.
        post_migrate.connect(
            signals.role_groups_after_migrate, sender=self, dispatch_uid="accounts_role_groups"
        )
