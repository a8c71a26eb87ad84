from django.apps import AppConfig


def _choices_in_one_query(self):
    if self.field.empty_label is not None:
        yield ("", self.field.empty_label)
    # .all(): a fresh evaluation each time the choices are drawn, as .iterator() gave.
    for obj in self.queryset.all():
        yield self.choice(obj)


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
        # A choice list is read with one plain query: Django's .iterator() opens a server-side
        # cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips for a few dozen rows).
        # django-filter's choice fields inherit this iterator.
        forms.models.ModelChoiceIterator.__iter__ = _choices_in_one_query  # type: ignore[method-assign]

        from django.db.models.signals import post_migrate

        from . import navigation, signals

        # The audit (accounts.audit, an app of its own) registers its entries itself.
        navigation.register_accounts_entries()
        # After auth's own listener has made the permissions a migration added.
        post_migrate.connect(
            signals.role_groups_after_migrate, sender=self, dispatch_uid="accounts_role_groups"
        )
