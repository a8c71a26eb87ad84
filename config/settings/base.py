"""Settings read from the environment (django-environ).

Production values have no silent fallback: with DEBUG off, SECRET_KEY and ALLOWED_HOSTS
must be given or the process refuses to start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY を環境変数で設定してください (DEBUG=False)。")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS を環境変数で設定してください (DEBUG=False)。")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for the form renderer below (TemplatesSetting).
    "django.forms",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "accounts",
    # The HQ audit: a feature package of accounts registered as an app (label `audit`) for
    # its management commands and tasks; no models (they are accounts').
    "accounts.audit",
    "liaison",
    "network",
    "alerts",
]

MIDDLEWARE = [
    "accounts.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.htmx, read by the session timeout below.
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees every credential check made by the views above it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation_context",
            ],
            # Every page writes dates through accounts.utils.dates (Tokyo time, 2026年12月5日, 和暦):
            # its filters load everywhere, so no template reaches for Django's |date.
            "builtins": ["accounts.templatetags.dates_ja"],
        },
    },
]

# Every form and field is drawn by templates/components/ (form.html, field.html).
FORM_RENDERER = "config.renderers.ComponentsRenderer"

# SQLite file by default so that `make run` needs nothing installed.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A new PostgreSQL connection costs 4-7 ms a request; keep them open.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
# Corrections of Django's own Japanese messages (e.g. a NUL byte was 「何か文字を入力してください。」).
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Mail -----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@liaison.example.jp")

# --- Caches -----------------------------------------------------------------------------
# `grants`: each user's active appointments and kinds of grant (accounts.permissions.held),
# read on every page for the menu and the access log. Local to each process: its keys carry
# the user's grants stamp, so a grant ended in another process is never answered from here.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "grants": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "grants",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# --- Sessions and sign-in -------------------------------------------------------------
# Idle and absolute lifetimes are enforced by accounts.middleware.SessionLifetimeMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor: always for HQ roles; this setting extends it to everyone.
OTP_REQUIRED_FOR_ALL = env.bool("OTP_REQUIRED_FOR_ALL", default=False)
OTP_TOTP_ISSUER = "巡回連絡記録システム"

# django-axes: 5 consecutive failures lock the account for 30 minutes (or until HQ unlocks).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# The rule is to lock the account, from wherever the attempts come; adding the address
# (axes.W006) would let an attacker keep guessing from a second machine.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database of `make run` ignores the covering columns of PostgreSQL indexes
    # (models.W040); the index itself still works there.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_RESET_ON_SUCCESS = True
# The 30 minutes run from the lock, not from the latest attempt during it (an officer
# retrying his correct password would otherwise keep himself locked out).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# django-guardian: no anonymous user object, no monkey patching of the user model.
ANONYMOUS_USER_NAME = None

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_FAILURE_VIEW = "accounts.views.errors.csrf_failure"

# No inline scripts or styles anywhere: the pages keep this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Celery ---------------------------------------------------------------------------
# Settings from ../shared/ECOSYSTEM.md: nothing is lost when a worker is killed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 20
CELERY_TASK_SOFT_TIME_LIMIT = 15
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60,
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
}
# The sending queue's reaper (alerts.delivery.tasks.reap) puts back rows a dead worker held.
# Off only for the fault test's negative control, which shows that mail is then lost.
ALERTS_REAPER = env.bool("ALERTS_REAPER", default=True)
# alerts.delivery is a feature package, not an app: autodiscovery does not find its tasks,
# and a worker must know send_batch before the first one arrives.
CELERY_IMPORTS = ("alerts.delivery.tasks",)
CELERY_BEAT_SCHEDULE = {
    # Tamper evidence: walk every chain of the access log once a day (03:10 Tokyo). The two
    # audit tasks live in accounts/audit/tasks.py under the names they had in accounts.tasks
    # (tasks already queued keep working): the names, not the modules.
    "access-log-verify": {
        "task": "accounts.tasks.access_log_verify",
        "schedule": crontab(hour=3, minute=10),
    },
    # Anomaly cases of the previous day (03:40 Tokyo).
    "anomalies-detect": {
        "task": "accounts.tasks.anomalies_detect",
        "schedule": crontab(hour=3, minute=40),
    },
    # Appointments that start or end today take effect even if nobody touches them.
    "appointments-apply-due": {
        "task": "accounts.tasks.appointments_apply_due",
        "schedule": 15 * 60,
    },
    # あんしんメール: remind authors of open 不審者・脅威事犯 alerts to consider a follow-up,
    # at the start of office hours (08:30 Tokyo) so that it is read at work.
    "alerts-follow-up-reminders": {
        "task": "alerts.drafts.tasks.follow_up_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # The sending queue: publish what is due (scheduled alerts, receive-time bands, the
    # evening digest) and put back what a dead worker held (alerts.delivery.tasks).
    "alerts-deliveries-dispatch": {
        "task": "alerts.delivery.tasks.dispatch",
        "schedule": 5.0,
    },
    "alerts-deliveries-reap": {
        "task": "alerts.delivery.tasks.reap",
        "schedule": 5.0,
    },
}

# --- Logging: one line per event, each with the request id ----------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "accounts.logging.RequestIdFilter"}},
    "formatters": {"line": {"()": "accounts.logging.OneLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Named here so that Django's default handlers leave it: with DEBUG on they would
        # print every request error a second time, traceback over many lines.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # axes logs every sign-in at INFO; the access log already records each of them.
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The project's own --------------------------------------------------------------
# Links in mailed notices point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# 緊急閲覧: how long a break-the-glass access to one card lasts.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=30)
# 要領 第5-3 「おおむね」: minutes of leeway at every edge of the visit hours (08:30, 17:00,
# 20:00). A visit beyond them is still recorded, with its reason, for the 地域課長等 to see.
VISIT_HOURS_TOLERANCE_MINUTES = env.int("VISIT_HOURS_TOLERANCE_MINUTES", default=15)
# 要領 第6-2(1)イ 「速やかに」提出: a draft card older than this many days stands out to its
# maker and to the 地域課長等.
CARD_DRAFT_STALE_DAYS = env.int("CARD_DRAFT_STALE_DAYS", default=7)
# 要領 第6-2(1)ア: a card handed to a resident on a visit (結果「カード手交」) is to be collected
# within this many days unless the officer sets another date.
CARD_HANDOUT_COLLECT_DAYS = env.int("CARD_HANDOUT_COLLECT_DAYS", default=14)

# --- 地域安全ネットワーク (README 「地域安全ネットワーク」) ---------------------------------------
# 前文 負担軽減: a member contacted (exchanges, meetings, asks) more often than this in one
# month is listed on the station overview, so that officers spread the load.
NETWORK_CONTACTS_PER_MONTH = env.int("NETWORK_CONTACTS_PER_MONTH", default=2)
# A request heard from a member is due within this many days unless another date is set.
NETWORK_REQUEST_DUE_DAYS = env.int("NETWORK_REQUEST_DUE_DAYS", default=14)
# A withdrawn member's personal data is kept this many days after withdrawal, then removed
# by the audit's retention run (counts stay).
NETWORK_MEMBER_RETENTION_DAYS = env.int("NETWORK_MEMBER_RETENTION_DAYS", default=3 * 365 + 1)

# --- あんしんメール (README 「あんしんメール」) ------------------------------------------------
# Which way alerts are approved: "kagoshima" (seed 003: the station reports, HQ's operator
# sends) or "gunma" (seed 004: each 所属 sends for itself). alerts.chain.presets.
ALERTS_PRESET = env.str("ALERTS_PRESET", default="gunma")
# Seed 003 6⑴: the division whose staff the 発信操作担当者 are designated from.
ALERTS_OPERATOR_DIVISION = env.str("ALERTS_OPERATOR_DIVISION", default="seian-kikaku")
# Seed 003 4: 執務時間 (weekdays that are not holidays, Tokyo time), for the report's route.
ALERTS_OFFICE_HOURS = env.list("ALERTS_OFFICE_HOURS", default=["08:30", "17:15"])
# Seed 004 4⑵: 原則として午前7時から午後8時まで (Tokyo time); urgent categories may go outside.
ALERTS_SENDING_HOURS = env.list("ALERTS_SENDING_HOURS", default=["07:00", "20:00"])
# An open 不審者 alert reminds its author after this many days to consider a follow-up.
ALERTS_FOLLOW_UP_REMINDER_DAYS = env.int("ALERTS_FOLLOW_UP_REMINDER_DAYS", default=30)
# Seed 003 6⑹: the domain subscribers are told to allow (ドメイン指定受信).
ALERTS_SENDING_DOMAIN = env.str("ALERTS_SENDING_DOMAIN", default="anshin.example.jp")
ALERTS_FROM_EMAIL = env.str("ALERTS_FROM_EMAIL", default="anshin@anshin.example.jp")
# How long a sign-up or address-change link stays valid; nothing is kept for it meanwhile.
ALERTS_SIGNUP_LINK_HOURS = env.int("ALERTS_SIGNUP_LINK_HOURS", default=24)
# The public address of the site as residents reach it: the links in mails (sign-up
# confirmation, the subscriber's page, List-Unsubscribe) and the flyer's QR code are built on
# it, never on the request's host (a mail is sent from a worker, a flyer printed for years).
ALERTS_PUBLIC_BASE_URL = env.str("ALERTS_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# The sending queue (alerts.delivery): rows per task, messages per second per worker process
# (0: as fast as the SMTP server takes them), temporary failures retried this many times
# with backoff, and an address stopped after this many permanent failures in a row.
ALERTS_BATCH_SIZE = env.int("ALERTS_BATCH_SIZE", default=100)
ALERTS_SEND_RATE = env.float("ALERTS_SEND_RATE", default=0)
ALERTS_RETRY_LIMIT = env.int("ALERTS_RETRY_LIMIT", default=5)
ALERTS_BOUNCE_LIMIT = env.int("ALERTS_BOUNCE_LIMIT", default=3)
# The reaper: a row claimed longer ago than this (past the task time limit) goes back to
# pending; a pending row enqueued longer ago than this is published again.
ALERTS_STUCK_SECONDS = env.int("ALERTS_STUCK_SECONDS", default=30)
ALERTS_REPUBLISH_SECONDS = env.int("ALERTS_REPUBLISH_SECONDS", default=60)
# Not drowning people: past this many non-urgent mails of one category in a day, the rest
# go as one digest at this time (Tokyo).
ALERTS_DIGEST_AFTER = env.int("ALERTS_DIGEST_AFTER", default=3)
ALERTS_DIGEST_TIME = env.str("ALERTS_DIGEST_TIME", default="19:00")

# --- Audit (README 「閲覧記録の監査」): thresholds of the anomaly rules and retention -----
# A person's card reads in a day are a spike when they reach AUDIT_SPIKE_FACTOR times his
# own median of the previous AUDIT_SPIKE_BASELINE_DAYS days, and at least AUDIT_SPIKE_MIN.
AUDIT_SPIKE_FACTOR = env.float("AUDIT_SPIKE_FACTOR", default=3.0)
AUDIT_SPIKE_MIN = env.int("AUDIT_SPIKE_MIN", default=30)
AUDIT_SPIKE_BASELINE_DAYS = env.int("AUDIT_SPIKE_BASELINE_DAYS", default=28)
# Duty hours in Tokyo time, [start, end): a card read outside them is a case.
AUDIT_DUTY_START = env.str("AUDIT_DUTY_START", default="07:00")
AUDIT_DUTY_END = env.str("AUDIT_DUTY_END", default="21:00")
# An export of this many records or more is a case.
AUDIT_LARGE_EXPORT = env.int("AUDIT_LARGE_EXPORT", default=500)
# A case nobody has reviewed for this many days stands out.
AUDIT_REVIEW_DAYS = env.int("AUDIT_REVIEW_DAYS", default=7)
# Access events and change history older than this are archived and removed.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=5 * 365 + 1)
# Where access_log_purge writes its signed archives.
AUDIT_ARCHIVE_DIR = env.path("AUDIT_ARCHIVE_DIR", default=BASE_DIR / "var" / "audit-archive")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="junkai-demo-2026")
# A demonstration installation (`make run`): demo data and demo TOTP devices whose codes
# `manage.py demo_totp` prints. Never in production (config.settings.production refuses it).
DEMO_MODE = env.bool("DEMO_MODE", default=False)
