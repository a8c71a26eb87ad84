"""Users, the organisation tree, appointments (the source of every permission) and the
access log."""

from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .inputs import free_text_field
from .utils import dates
from .utils.names import search_key


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
    Role.ALERT_AUTHOR: UnitLevel.STATION,
    Role.ALERT_REVIEWER: UnitLevel.STATION,
    Role.ALERT_APPROVER: UnitLevel.STATION,
    Role.ALERT_SENDER: UnitLevel.STATION,
    Role.SUPERVISOR: UnitLevel.POST,
    Role.BEAT_OFFICER: UnitLevel.POST,
}

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
    # 氏名 and フリガナ as the people searches compare them (accounts.names.fold_name),
    # kept by save(); pages show full_name as written.
    search_name = models.CharField("氏名（検索用）", max_length=200, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "session_version", "search_name"]
    )

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


class Headquarters(models.Model):
    """警察本部: the root of the organisation tree."""

    name = models.CharField("名称", max_length=60, unique=True)

    class Meta:
        verbose_name = "警察本部"
        verbose_name_plural = "警察本部"
        permissions = [
            ("oversee_cards", "全署の巡回連絡カードの統括（閲覧のみ）"),
            ("audit_access", "閲覧記録の監査"),
            ("manage_appointments", "役職の発令・受持警察官の指定"),
            ("set_visit_policy", "巡回連絡の実施頻度の設定"),
            ("approve_prefecture_alerts", "県内全域への配信の承認"),
        ]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """警察署."""

    headquarters = models.ForeignKey(
        Headquarters, on_delete=models.PROTECT, related_name="stations", verbose_name="警察本部"
    )
    code = models.CharField("署コード", max_length=10, unique=True)
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "警察署"
        verbose_name_plural = "警察署"
        ordering = ["code"]
        permissions = [
            ("approve_night_visits", "夜間巡回連絡の承認"),
            ("review_progress", "巡回連絡の進捗管理"),
            ("assign_submitted_cards", "提出された巡回連絡カードの受持区指定"),
            ("set_dedicated_days", "巡回連絡専従日の設定"),
            ("guide_officers", "受持警察官への具体的な指導の記録（地域課長等）"),
            ("evaluate_officers", "受持警察官の評価・賞揚の記録（警察署長）"),
            ("submit_cards", "巡回連絡カードの作成・提出（警察職員）"),
            ("break_glass", "緊急時の閲覧（理由を記録）"),
            ("instruct_visits", "巡回連絡の対象に関する署長指示（要領第5-1）"),
            ("draft_alerts", "配信文の作成"),
            ("review_alerts", "配信文の審査"),
            ("approve_alerts", "配信の承認"),
            ("send_alerts", "配信の発信操作"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (課) of a station."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", "地域課"
        SAFETY = "safety", "生活安全課"
        CRIMINAL = "criminal", "刑事課"
        TRAFFIC = "traffic", "交通課"
        SECURITY = "security", "警備課"
        GENERAL = "general", "警務課"
        ACCOUNTING = "accounting", "会計課"

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="departments", verbose_name="警察署"
    )
    kind = models.CharField("課", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "課"
        verbose_name_plural = "課"
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"], name="accounts_department_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station.name} {self.name}"

    @property
    def is_community(self) -> bool:
        """地域課 and its kin (地域第一課, 地域第二課, 地域交通課): 要領 第3-2(4)の「地域課長等」."""
        return self.kind == self.Kind.COMMUNITY


class Post(models.Model):
    """交番・駐在所・所在地."""

    class Kind(models.TextChoices):
        KOBAN = "koban", "交番"
        CHUZAISHO = "chuzaisho", "駐在所"
        SHOZAICHI = "shozaichi", "所在地"

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="posts", verbose_name="警察署"
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=60)
    # 要領 第3-2(4): a station may have several 地域課 (地域第一課, 地域第二課, 地域交通課), each
    # 地域課長 over its own posts. Empty: the post belongs to the station's one 地域課, and
    # every 地域課長 of the station covers it (a station with one 地域課 needs nothing here).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name="地域課",
        limit_choices_to={"kind": "community"},
    )

    class Meta:
        verbose_name = "交番・駐在所"
        verbose_name_plural = "交番・駐在所"
        ordering = ["station", "name"]
        permissions = [("supervise_post", "交番・駐在所の取扱責任者としての指導監督")]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="accounts_post_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Beat(models.Model):
    """受持区: one 巡回連絡簿 per beat."""

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="beats", verbose_name="交番・駐在所"
    )
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "受持区"
        verbose_name_plural = "受持区"
        ordering = ["post", "name"]
        permissions = [
            ("view_beat_cards", "受持区の巡回連絡カードの閲覧"),
            ("change_beat_cards", "受持区の巡回連絡カードの作成・補正・廃止"),
            ("export_beat_cards", "受持区の巡回連絡簿の出力"),
            ("print_beat_cards", "記入済み巡回連絡カードの印刷"),
            ("record_visits", "巡回連絡の記録・夜間巡回連絡の承認申請"),
            ("set_beat_area", "受持区の区域（町字・丁目）の設定"),
            # The 地域部長: the beat's figures (progress), never its cards.
            ("review_beat_figures", "受持区の実施状況（件数）の把握"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "name"], name="accounts_beat_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.post.name} {self.name}"


# Direct foreign-key permission tables (guardian): they cascade with their object and
# join without a content-type lookup.
class HeadquartersUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Headquarters, on_delete=models.CASCADE)


class HeadquartersGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Headquarters, on_delete=models.CASCADE)


class StationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Station, on_delete=models.CASCADE)


class StationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Station, on_delete=models.CASCADE)


class PostUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Post, on_delete=models.CASCADE)


class PostGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Post, on_delete=models.CASCADE)


class BeatUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Beat, on_delete=models.CASCADE)


class BeatGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Beat, on_delete=models.CASCADE)


class UnitMixin(models.Model):
    """One organisation unit out of three nullable keys; exactly one is set."""

    headquarters = models.ForeignKey(
        Headquarters, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察本部"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察署"
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, verbose_name="交番・駐在所"
    )

    class Meta:
        abstract = True

    @property
    def unit(self) -> Headquarters | Station | Post:
        return self.headquarters or self.station or self.post  # type: ignore[return-value]

    @property
    def unit_level(self) -> str:
        if self.headquarters_id:
            return UnitLevel.HEADQUARTERS
        if self.station_id:
            return UnitLevel.STATION
        return UnitLevel.POST

    @property
    def unit_station(self) -> Station | None:
        """The station the unit belongs to (None for headquarters)."""
        if self.station_id:
            return self.station
        if self.post_id:
            return self.post.station
        return None


_ONE_UNIT = (
    Q(headquarters__isnull=False, station__isnull=True, post__isnull=True)
    | Q(headquarters__isnull=True, station__isnull=False, post__isnull=True)
    | Q(headquarters__isnull=True, station__isnull=True, post__isnull=False)
)


class RoleGroup(UnitMixin):
    """The guardian group that carries one role's permissions on one unit."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="role_group", verbose_name="権限グループ"
    )
    role = models.CharField("役職", max_length=30, choices=Role.choices)
    # A 管理主任者 appointed with his 地域課 carries that department's posts only: one group
    # per role, station and department (accounts.permissions.DEPARTMENT_ROLES).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属課",
    )

    class Meta:
        verbose_name = "役職グループ"
        verbose_name_plural = "役職グループ"
        constraints = [
            models.CheckConstraint(condition=_ONE_UNIT, name="accounts_rolegroup_one_unit"),
            # One group per role and unit (a partial unique index per unit level) …
            *(
                models.UniqueConstraint(
                    fields=["role", level],
                    condition=Q(**{f"{level}__isnull": False, "department__isnull": True}),
                    name=f"accounts_rolegroup_unique_role_{level}",
                )
                for level in ("headquarters", "station", "post")
            ),
            # … and per role and department where the department narrows it.
            models.UniqueConstraint(
                fields=["role", "department"],
                condition=Q(department__isnull=False),
                name="accounts_rolegroup_unique_role_department",
            ),
        ]

    def __str__(self) -> str:
        return self.group.name


class Appointment(UnitMixin):
    """役職の発令: a role held in one organisation unit for a period.

    Permissions exist only while `granted_at` is set and `revoked_at` is not; the
    services in accounts.services keep the guardian grants in step with that.
    """

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="appointments", verbose_name="職員"
    )
    role = models.CharField("役職", max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属課"
    )
    starts_on = models.DateField("発令日")
    ends_on = models.DateField("終了日", null=True, blank=True)
    granted_at = models.DateTimeField("権限付与日時", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("権限取消日時", null=True, blank=True, editable=False)
    note = models.CharField("備考", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "役職の発令"
        verbose_name_plural = "役職の発令"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_ONE_UNIT, name="accounts_appointment_one_unit"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="accounts_appointment_ends_after_start",
            ),
        ]
        indexes = [
            # The permission check and the navigation: a user's current appointments.
            models.Index(fields=["user", "revoked_at"], name="accounts_appt_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name} {self.get_role_display()}（{self.unit}）"

    @property
    def is_active(self) -> bool:
        return self.granted_at is not None and self.revoked_at is None

    def clean(self) -> None:
        units = [u for u in (self.headquarters_id, self.station_id, self.post_id) if u]
        if len(units) != 1:
            raise ValidationError(
                "所属は警察本部・警察署・交番駐在所のいずれか一つを選んでください。"
            )
        expected = ROLE_LEVEL.get(self.role)
        if expected and self.unit_level != expected:
            raise ValidationError(
                {
                    "role": f"{Role(self.role).label}は{UnitLevel(expected).label}に発令してください。"
                }
            )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "終了日は発令日以降の日付にしてください。"})
        if self.department_id and self.department.station_id != (
            self.unit_station.pk if self.unit_station else None
        ):
            raise ValidationError({"department": "所属課は発令先の警察署の課を選んでください。"})
        if self.role == Role.CHIEF:
            self._clean_chief_department()

    def _clean_chief_department(self) -> None:
        """要領 第3-2(4): a 管理主任者 is the 地域課長等 of one 地域課; where the station has
        several, the appointment says which (he is over that department's posts only)."""
        if self.department_id:
            if not self.department.is_community:
                raise ValidationError(
                    {
                        "department": "管理主任者の所属課は地域課（地域第一課・地域交通課など）を選んでください。"
                    }
                )
            return
        if self.station_id and (
            Department.objects.filter(
                station_id=self.station_id, kind=Department.Kind.COMMUNITY
            ).count()
            > 1
        ):
            raise ValidationError(
                {
                    "department": "この警察署には地域課が複数あります。管理主任者の所属課"
                    "（地域第一課・地域第二課など）を選んでください。"
                }
            )


class BeatAssignment(models.Model):
    """受持警察官の指定: an officer responsible for a beat for a period."""

    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="beat_assignments", verbose_name="受持警察官"
    )
    beat = models.ForeignKey(
        Beat, on_delete=models.PROTECT, related_name="assignments", verbose_name="受持区"
    )
    starts_on = models.DateField("指定日")
    ends_on = models.DateField("終了日", null=True, blank=True)
    granted_at = models.DateTimeField("権限付与日時", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("権限取消日時", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "受持警察官の指定"
        verbose_name_plural = "受持警察官の指定"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="accounts_beatassignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer.full_name} → {self.beat}"

    @property
    def is_active(self) -> bool:
        return self.granted_at is not None and self.revoked_at is None

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "終了日は指定日以降の日付にしてください。"})


class AccessEvent(models.Model):
    """閲覧記録: who did what to which object, when, in which role. No personal values."""

    class Action(models.TextChoices):
        LOGIN = "login", "サインイン"
        # The password was right but the second factor is still to come: not a sign-in yet.
        LOGIN_PENDING = "login_pending", "サインイン（二要素認証の前）"
        LOGIN_FAILED = "login_failed", "サインイン失敗"
        LOGOUT = "logout", "サインアウト"
        SESSION_EXPIRED = "session_expired", "セッション期限切れ"
        LOCKOUT = "lockout", "アカウントロック"
        UNLOCK = "unlock", "ロック解除"
        PASSWORD_CHANGE = "password_change", "パスワード変更"
        OTP_CHANGE = "otp_change", "二要素認証の変更"
        OTP_FAILED = "otp_failed", "二要素認証の失敗"
        ACCOUNT_CHANGE = "account_change", "職員情報の変更"
        APPOINTMENT_CHANGE = "appointment_change", "役職の変更"
        VIEW = "view", "閲覧"
        LIST = "list", "一覧"
        SEARCH = "search", "検索"
        EXPORT = "export", "出力"
        PRINT = "print", "印刷"
        CREATE = "create", "作成"
        UPDATE = "update", "更新"
        DENIED = "denied", "アクセス拒否"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失敗"
        DENIED = "denied", "拒否"

    occurred_at = models.DateTimeField("日時", default=timezone.now)
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
        verbose_name="職員",
    )
    # The login name as typed, kept for failed sign-ins where no user matched.
    username = models.CharField("職員番号", max_length=150, blank=True)
    role = models.CharField("役職", max_length=200, blank=True)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察署"
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    object_type = models.CharField("対象の種類", max_length=100, blank=True)
    object_id = models.CharField("対象ID", max_length=64, blank=True)
    outcome = models.CharField("結果", max_length=10, choices=Outcome.choices)
    summary = models.CharField("概要", max_length=300, blank=True)
    client_ip = models.GenericIPAddressField("接続元", null=True, blank=True)
    request_id = models.CharField("リクエストID", max_length=64, blank=True)
    out_of_scope = models.BooleanField("担当範囲外", default=False)
    break_glass = models.BooleanField("緊急閲覧", default=False)
    # How many records a list, export or print carried (a large export is an anomaly).
    record_count = models.PositiveIntegerField("件数", null=True, blank=True)

    # Tamper evidence (accounts.audit.chain): the log is ACCESS_CHAINS independent hash
    # chains, so that concurrent writers rarely wait for one another. Within a chain, `seq`
    # numbers the events without gaps and `hash` covers the content and `prev_hash`. On
    # PostgreSQL a trigger fills these four fields; on SQLite accounts.audit.chain does.
    chain = models.PositiveSmallIntegerField("系列", default=0, editable=False)
    seq = models.BigIntegerField("系列内番号", default=0, editable=False)
    prev_hash = models.CharField("直前のハッシュ", max_length=64, blank=True, editable=False)
    hash = models.CharField("ハッシュ", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "閲覧記録"
        verbose_name_plural = "閲覧記録"
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            # One event per position: a fork or a replayed position cannot be stored.
            models.UniqueConstraint(fields=["chain", "seq"], name="accounts_ae_chain_seq"),
        ]
        indexes = [
            # A person's timeline, newest first.
            models.Index(fields=["user", "-occurred_at"], name="accounts_ae_user_time"),
            # A card's access history.
            models.Index(
                fields=["object_type", "object_id", "-occurred_at"], name="accounts_ae_object_time"
            ),
            # Search by date range.
            models.Index(fields=["-occurred_at"], name="accounts_ae_time"),
            # Audit search by station, newest first.
            models.Index(fields=["station", "-occurred_at"], name="accounts_ae_station_time"),
            # Audit search by action (a rare one must not walk the whole time index).
            models.Index(fields=["action", "-occurred_at"], name="accounts_ae_action_time"),
            # 緊急閲覧のみ / 担当範囲外のみ, and the anomaly rules that find them: few rows.
            models.Index(
                fields=["-occurred_at"],
                condition=Q(break_glass=True),
                name="accounts_ae_glass_time",
            ),
            models.Index(
                fields=["-occurred_at"], condition=Q(out_of_scope=True), name="accounts_ae_oos_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{dates.datetime_ja(self.occurred_at)} {self.get_action_display()}"


class AccessChainHead(models.Model):
    """The last position and hash of each chain; the row lock orders the appends."""

    chain = models.PositiveSmallIntegerField("系列", primary_key=True)
    seq = models.BigIntegerField("系列内番号", default=0)
    hash = models.CharField("ハッシュ", max_length=64, blank=True)

    class Meta:
        verbose_name = "閲覧記録の系列"
        verbose_name_plural = "閲覧記録の系列"

    def __str__(self) -> str:
        return f"{self.chain}: {self.seq}"


class AccessLogCheck(models.Model):
    """One run of verify_access_log: kept so that HQ can show when the log was last proven
    whole, and where it broke."""

    ran_at = models.DateTimeField("検証日時", default=timezone.now)
    ok = models.BooleanField("結果（正常）")
    checked = models.BigIntegerField("検証件数", default=0)
    broken_chain = models.PositiveSmallIntegerField("異常の系列", null=True, blank=True)
    broken_seq = models.BigIntegerField("異常の系列内番号", null=True, blank=True)
    broken_event_id = models.BigIntegerField("異常の記録ID", null=True, blank=True)
    message = models.CharField("内容", max_length=300, blank=True)

    class Meta:
        verbose_name = "閲覧記録の検証"
        verbose_name_plural = "閲覧記録の検証"
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{dates.datetime_ja(self.ran_at)} {'正常' if self.ok else '異常'}"


class AccessLogPurge(models.Model):
    """One retention run: what was archived, where, its digest and signature, and the
    position and hash of each chain where the removed part ended (the verifier's anchor)."""

    ran_at = models.DateTimeField("実行日時", default=timezone.now)
    cutoff = models.DateTimeField("この日時より前を削除")
    event_count = models.BigIntegerField("閲覧記録の件数", default=0)
    history_count = models.BigIntegerField("変更履歴の件数", default=0)
    archive_name = models.CharField("保存ファイル", max_length=300)
    archive_sha256 = models.CharField("保存ファイルのSHA-256", max_length=64)
    signature = models.CharField("署名", max_length=200)
    # {"<chain>": [seq, hash]}: the last removed position of each chain.
    anchors = models.JSONField("系列の起点", default=dict)

    class Meta:
        verbose_name = "保存期間経過記録の削除"
        verbose_name_plural = "保存期間経過記録の削除"
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{dates.date_ja(self.ran_at)} {self.archive_name}"


class AnomalyCase(models.Model):
    """要確認事案: an access pattern HQ auditors (and, for break-the-glass, the beat's
    取扱責任者) review. Found by accounts.audit.anomalies; no personal values inside."""

    class Kind(models.TextChoices):
        READ_SPIKE = "read_spike", "閲覧件数の急増"
        OUT_OF_SCOPE = "out_of_scope", "担当範囲外の閲覧"
        BREAK_GLASS = "break_glass", "緊急閲覧"
        OFF_HOURS = "off_hours", "勤務時間外の閲覧"
        LARGE_EXPORT = "large_export", "大量の出力"
        SENSITIVE = "sensitive", "取扱注意カードの閲覧"

    class Status(models.TextChoices):
        OPEN = "open", "未確認"
        EXPLAINED = "explained", "説明済み"
        ESCALATED = "escalated", "上申"
        CLOSED = "closed", "終結"

    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.OPEN)
    subject = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="anomaly_cases", verbose_name="対象職員"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name="警察署"
    )
    # For break-the-glass: the beat whose 取扱責任者 reviews the case too.
    beat = models.ForeignKey(
        Beat, on_delete=models.PROTECT, null=True, blank=True, verbose_name="受持区"
    )
    day = models.DateField("発生日")
    # What makes the case unique within a kind, person and day ("" or an event id).
    key = models.CharField("識別", max_length=64, blank=True)
    summary = models.CharField("概要", max_length=300)
    figures = models.JSONField("数値", default=dict, blank=True)
    event_ids = models.JSONField("閲覧記録ID", default=list, blank=True)
    found_at = models.DateTimeField("検出日時", default=timezone.now)
    reviewed_at = models.DateTimeField("最終確認日時", null=True, blank=True)

    class Meta:
        verbose_name = "要確認事案"
        verbose_name_plural = "要確認事案"
        ordering = ["-found_at", "-pk"]
        constraints = [
            # Detection runs daily and on demand: the same finding is one case, never two.
            models.UniqueConstraint(
                fields=["kind", "subject", "day", "key"], name="accounts_anomalycase_once"
            ),
        ]
        indexes = [
            # The case list: open cases first, oldest found first.
            models.Index(fields=["status", "found_at"], name="accounts_ac_status_found"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class AnomalyReview(models.Model):
    """One step of a case's review: who moved it, from what to what, when, with what note.
    Append-only."""

    case = models.ForeignKey(
        AnomalyCase, on_delete=models.CASCADE, related_name="reviews", verbose_name="事案"
    )
    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="anomaly_reviews", verbose_name="確認者"
    )
    reviewed_at = models.DateTimeField("日時", default=timezone.now)
    from_status = models.CharField("変更前", max_length=20, choices=AnomalyCase.Status.choices)
    to_status = models.CharField("変更後", max_length=20, choices=AnomalyCase.Status.choices)
    note = free_text_field("所見", blank=True)

    class Meta:
        verbose_name = "要確認事案の確認"
        verbose_name_plural = "要確認事案の確認"
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class Notice(models.Model):
    """お知らせ: a line on someone's home page, and a mail where configured.

    It carries no personal data, only a title and a link: whoever follows the link passes
    the same permission checks as anyone else.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name="宛先"
    )
    title = models.CharField("件名", max_length=200)
    url = models.CharField("リンク", max_length=300, blank=True)
    created_at = models.DateTimeField("日時", default=timezone.now)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The home panel: a person's unread notices, newest first.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="accounts_notice_inbox"
            ),
        ]

    def __str__(self) -> str:
        return self.title
