"""閲覧記録の監査 (the HQ audit), one feature package of accounts: tamper evidence of the
access log (chain), its search and export (events, selectors), a person's and an object's
events (timeline_selectors), anomaly rules and cases (anomalies, cases, case_selectors),
change history (history, changes), retention (retention), the writes that carry a rule
(services: verification, detection, case review), pages (views, forms, urls), home panels
and menu entries (panels), tasks and management commands. Registered as the app `accounts.audit` (apps.py)
so that its commands and tasks are found; it has no models of its own.

The access log's writer, `accounts.services.access_event_record`, stays in accounts'
services: every app writes events through it. accounts imports no other app; the apps that
own audited objects (cards, members, visits) describe them to this package through
`registry`.
"""
