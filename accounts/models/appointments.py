"""Appointments, the source of every permission: the organisation unit an appointment or
role group belongs to (UnitMixin), the guardian group of one role on one unit (RoleGroup),
役職の発令 (Appointment) and 受持警察官の指定 (BeatAssignment)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .organisation import Beat, Department, Division, Headquarters, Post, Station
from .users import ALERT_ROLES, ROLE_LEVEL, Role, UnitLevel, User


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
    # An HQ appointment in one of its divisions (所属): the alert roles at HQ
    # (生活安全企画課の発信操作担当者, 人身安全・少年課長 as 運用管理者, 総合当直 …).
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, verbose_name="本部の所属"
    )
    starts_on = models.DateField("発令日")
    ends_on = models.DateField("終了日", null=True, blank=True)
    granted_at = models.DateTimeField("権限付与日時", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("権限取消日時", null=True, blank=True, editable=False)
    note = models.CharField("備考", max_length=200, blank=True)

    history = HistoricalRecords()
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "役職の発令"
        verbose_name_plural = "役職の発令"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_ONE_UNIT, name="accounts_appointment_one_unit"),
            models.CheckConstraint(
                condition=Q(division__isnull=True) | Q(headquarters__isnull=False),
                name="accounts_appointment_division_at_hq",
            ),
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
        if self.division_id and self.division.headquarters_id != self.headquarters_id:
            raise ValidationError(
                {"division": "本部の所属は警察本部に発令する場合に選んでください。"}
            )
        if self.role in ALERT_ROLES:
            self._clean_alert_unit()
            return
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
        if self.role == Role.DEPARTMENT_HEAD and not self.department_id:
            raise ValidationError(
                {"department": "課長の所属課（生活安全課・交通課など）を選んでください。"}
            )

    def _clean_alert_unit(self) -> None:
        """Seed 004 3: 運用管理者・運用責任者 at HQ divisions and at stations; the 作成者 and
        the 発信操作担当者 likewise (seed 003 6⑴: designated from 生活安全企画課)."""
        if self.post_id:
            raise ValidationError(
                {"role": f"{Role(self.role).label}は警察署か本部の所属に発令してください。"}
            )
        if self.headquarters_id and not self.division_id:
            raise ValidationError(
                {
                    "division": f"本部の{Role(self.role).label}は所属（生活安全企画課など）を選んでください。"
                }
            )

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
    # Set by the services before save(); simple-history writes them to the history row.
    _history_user: User | None
    _change_reason: str

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
