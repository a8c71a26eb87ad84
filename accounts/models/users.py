"""Who signs in: the roles of the 巡回連絡カードの管理体制 and the level each is appointed
at (ROLE_LEVEL, HQ_ROLES), and the User with its manager and validators."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords

from ..utils.names import search_key


class Role(models.TextChoices):
    """Roles of 巡回連絡カードの管理体制 (要領 第6-5) plus the alert roles."""

    OVERALL_MANAGER = "overall_manager", "統括管理責任者"
    # 要領 第5-2: 「巡回連絡の実施頻度については、地域部長が別に定める」.
    REGIONAL_DIRECTOR = "regional_director", "地域部長"
    STATION_MANAGER = "station_manager", "管理責任者"
    CHIEF = "chief", "管理主任者"
    SUPERVISOR = "supervisor", "取扱責任者"
    BEAT_OFFICER = "beat_officer", "受持警察官"
    STAFF = "staff", "警察職員"
    # The head of a station department (生活安全課長, 交通課長 …): appointed with his
    # department; overdue requests in its inbox stand out to him (地域安全ネットワーク 3⑴ウ).
    DEPARTMENT_HEAD = "department_head", "課長"
    AUDITOR = "auditor", "本部監査担当"
    ALERT_AUTHOR = "alert_author", "作成者"
    ALERT_REVIEWER = "alert_reviewer", "運用責任者"
    ALERT_APPROVER = "alert_approver", "運用管理者"
    ALERT_HQ_APPROVER = "alert_hq_approver", "運用総括管理者"
    ALERT_SENDER = "alert_sender", "発信操作担当者"


class UnitLevel(models.TextChoices):
    HEADQUARTERS = "headquarters", "警察本部"
    STATION = "station", "警察署"
    POST = "post", "交番・駐在所"


# The organisation level each role is appointed at.
ROLE_LEVEL: dict[str, str] = {
    Role.OVERALL_MANAGER: UnitLevel.HEADQUARTERS,
    Role.REGIONAL_DIRECTOR: UnitLevel.HEADQUARTERS,
    Role.AUDITOR: UnitLevel.HEADQUARTERS,
    Role.ALERT_HQ_APPROVER: UnitLevel.HEADQUARTERS,
    Role.STATION_MANAGER: UnitLevel.STATION,
    Role.CHIEF: UnitLevel.STATION,
    Role.STAFF: UnitLevel.STATION,
    Role.DEPARTMENT_HEAD: UnitLevel.STATION,
    Role.ALERT_AUTHOR: UnitLevel.STATION,
    Role.ALERT_REVIEWER: UnitLevel.STATION,
    Role.ALERT_APPROVER: UnitLevel.STATION,
    Role.ALERT_SENDER: UnitLevel.STATION,
    Role.SUPERVISOR: UnitLevel.POST,
    Role.BEAT_OFFICER: UnitLevel.POST,
}

# The alert roles (seeds 003・004): held at a station, or at HQ in one of its divisions
# (所属: 生活安全企画課, 広報広聴課 …). An alert step names a role at a unit; the alerts policy
# asks accounts.permissions.alert_desks, not guardian.
ALERT_ROLES = frozenset(
    {Role.ALERT_AUTHOR, Role.ALERT_REVIEWER, Role.ALERT_APPROVER, Role.ALERT_SENDER}
)

# Roles whose holders must sign in with a second factor whatever the setting says.
HQ_ROLES = frozenset(r for r, level in ROLE_LEVEL.items() if level == UnitLevel.HEADQUARTERS)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, employee_number: str, password: str | None = None, **extra) -> User:
        if not employee_number:
            raise ValueError("職員番号は必須です。")
        user = self.model(employee_number=employee_number, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, employee_number: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(employee_number, password, **extra)


employee_number_validator = RegexValidator(
    r"^[0-9A-Za-z]{4,12}$", "職員番号は半角英数字4〜12文字で入力してください。"
)
kana_validator = RegexValidator(r"^[ァ-ヶー・\s　]*$", "フリガナは全角カタカナで入力してください。")


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the police force; signs in with 職員番号."""

    employee_number = models.CharField(
        "職員番号", max_length=12, unique=True, validators=[employee_number_validator]
    )
    full_name = models.CharField("氏名", max_length=60)
    full_name_kana = models.CharField(
        "フリガナ", max_length=120, blank=True, validators=[kana_validator]
    )
    email = models.EmailField("メールアドレス", blank=True)
    is_active = models.BooleanField("有効", default=True)
    is_staff = models.BooleanField("管理サイトの利用", default=False)
    date_joined = models.DateTimeField("登録日時", default=timezone.now)
    # Raised to end every session of the user at once (disable, appointment end).
    session_version = models.PositiveIntegerField("セッションの版", default=0, editable=False)
    # 氏名 and フリガナ as the people searches compare them (accounts.utils.names.fold_name),
    # kept by save(); pages show full_name as written.
    search_name = models.CharField("氏名（検索用）", max_length=200, blank=True, editable=False)
    # Changed (accounts.permissions.grants_changed) whenever what the user holds changes: the
    # menu's answer, cached across requests under it, is then never read again.
    grants_stamp = models.UUIDField("権限の版", default=uuid.uuid4, editable=False)

    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "session_version", "search_name", "grants_stamp"]
    )
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    objects = UserManager()

    USERNAME_FIELD = "employee_number"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"
        ordering = ["employee_number"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.employee_number}）"

    def save(self, *args, **kwargs) -> None:
        # A derived column, not a rule: every path that names a person (the services,
        # create_user, the admin, the demo data) goes through here.
        self.search_name = search_key([self.full_name, self.full_name_kana])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "full_name_kana"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret=None):
        # Django's auth middleware flushes a session whose hash no longer matches, so
        # bumping session_version signs the user out everywhere.
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
