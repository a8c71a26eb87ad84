"""The HQ audit as an app of its own, so that Django finds its management commands and
Celery its tasks (accounts.audit.management, accounts.audit.tasks).

It has NO models: the audit's models (AccessEvent, AccessLogCheck, AnomalyCase …) stay in
accounts/models/ (access.py, cases.py) with app_label `accounts`, their tables and
migrations unchanged. A model class defined in a module under accounts/audit/ would take this
app's label and need a migration of its own: keep them in accounts/models/.
"""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "accounts.audit"
    label = "audit"
    verbose_name = "閲覧記録の監査"

    def ready(self) -> None:
        from .history import register_accounts_sources
        from .panels import register_audit_entries

        register_audit_entries()
        # accounts' own change-history sources (appointments, beat assignments); liaison
        # registers its own from its AppConfig.
        register_accounts_sources()
