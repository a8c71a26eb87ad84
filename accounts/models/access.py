"""The access log (閲覧記録): its events, the head of each tamper-evident chain, the runs
of verify_access_log and the retention runs that archived and removed old events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..utils import dates
from .organisation import Station
from .users import User


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
            # The exports of a book or a station, newest first: the card page's access
            # panel lists those of the card's book and station (exports are few: small).
            models.Index(
                fields=["object_type", "object_id", "-occurred_at"],
                condition=Q(action="export"),
                name="accounts_ae_export_time",
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
