"""地域安全連絡員 (seed 001 2): the community groups of a station (自治会等), the liaison
members with their groups, posts and beats, and each step from candidate to member, kept as
rows so that who asked whom, when and why is never lost. Writes go through
network.members.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.inputs import free_text_field, validate_kana
from accounts.models import Beat, Department, Station, User
from accounts.utils.fields import actor_field


class GroupKind(models.TextChoices):
    """前文・1: 自治会等 at the core, and the groups around the police (2⑴)."""

    NEIGHBOURHOOD = "jichikai", "自治会"
    COMMUNITY_COUNCIL = "council", "コミュニティ協議会"
    LOCAL = "local", "その他の地縁団体"
    VOLUNTEER = "volunteer", "ボランティア団体"
    SCHOOL = "school", "学校"
    BUSINESS = "business", "事業所"
    MUNICIPALITY = "municipality", "地方公共団体"


class CommunityGroup(models.Model):
    """A group of the station's area whose people a member may speak for (4⑶: 市町や地域)."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="community_groups", verbose_name="警察署"
    )
    kind = models.CharField("種別", max_length=20, choices=GroupKind.choices)
    name = models.CharField("名称", max_length=100)
    municipality = models.CharField("市町", max_length=40)
    area = models.CharField("地域", max_length=200, blank=True, help_text="活動する地区・校区など")
    note = free_text_field("備考", blank=True)

    history = HistoricalRecords()
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "団体"
        verbose_name_plural = "団体"
        ordering = ["station", "municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"], name="network_communitygroup_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    """DESIGN.md: candidate → asked → active | declined; active → withdrawn."""

    CANDIDATE = "candidate", "候補者"
    ASKED = "asked", "依頼中"
    ACTIVE = "active", "連絡員"
    DECLINED = "declined", "辞退"
    WITHDRAWN = "withdrawn", "退任"


class Channel(models.TextChoices):
    """How the member prefers to hear from the police (負担軽減)."""

    MAIL = "mail", "メール"
    PAPER = "paper", "紙（郵送・手渡し）"
    IN_PERSON = "in_person", "対面"


class FoundOccasion(models.TextChoices):
    """2⑶, 3⑴ア・イ: where a member of staff met the candidate."""

    LIAISON_VISIT = "liaison_visit", "巡回連絡"
    PATROL = "patrol", "警ら"
    CAMPAIGN = "campaign", "キャンペーン"
    MEETING = "meeting", "会議"
    AT_STATION = "at_station", "来署"
    OTHER = "other", "その他"


class ConcurrentPost(models.TextChoices):
    """2⑵: a member may also be the head of a group or a police volunteer."""

    GROUP_HEAD = "group_head", "自治会長・団体の長"
    PROMOTION = "promotion", "地域安全推進委員"
    JUVENILE = "juvenile", "少年警察補導員"
    VOLUNTEER = "volunteer", "その他の警察ボランティア"


class LiaisonMember(models.Model):
    """地域安全連絡員 (「警察の窓口」), or a person on the way to becoming one.

    Personal values (name, contact) are removed by the retention path a set time after
    withdrawal (`personal_data_removed_at`); the row, its steps and its exchanges stay for
    the counts."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="liaison_members", verbose_name="警察署"
    )
    status = models.CharField(
        "状態", max_length=20, choices=MemberStatus.choices, default=MemberStatus.CANDIDATE
    )
    name = models.CharField("氏名", max_length=60)
    name_kana = models.CharField("フリガナ", max_length=60, validators=[validate_kana])
    # The name and its kana folded (kana width, variant kanji): search and duplicates.
    search_key = models.CharField("検索用氏名", max_length=200, editable=False, db_index=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    phone_digits = models.CharField("電話番号（数字）", max_length=15, editable=False, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    address_key = models.CharField("住所（照合用）", max_length=200, editable=False, blank=True)
    channel = models.CharField(
        "希望する連絡方法", max_length=20, choices=Channel.choices, default=Channel.IN_PERSON
    )
    municipality = models.CharField("市町", max_length=40, blank=True)
    beats = models.ManyToManyField(
        Beat, blank=True, related_name="liaison_members", verbose_name="担当する受持区"
    )
    officer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_members",
        verbose_name="担当警察官",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_members",
        verbose_name="担当課",
    )
    # 2⑶: who found the candidate, where and when.
    found_by = actor_field("把握した職員")
    found_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="把握した課",
    )
    found_on = models.DateField("把握した日")
    found_occasion = models.CharField("把握した機会", max_length=20, choices=FoundOccasion.choices)
    found_note = free_text_field("把握の経緯", blank=True)
    consented_on = models.DateField("承諾日", null=True, blank=True)
    declined_on = models.DateField("辞退の日", null=True, blank=True)
    withdrawn_on = models.DateField("退任日", null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(
        "個人情報の削除日時", null=True, blank=True, editable=False
    )
    # Two people editing one member: the second save is refused (services compare it).
    version = models.PositiveIntegerField("版", default=1, editable=False)
    created_at = models.DateTimeField("登録日時", default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["search_key", "phone_digits", "address_key"])
    _history_user: User | None
    _change_reason: str

    class Meta:
        verbose_name = "地域安全連絡員"
        verbose_name_plural = "地域安全連絡員"
        ordering = ["station", "name_kana", "pk"]
        constraints = [
            # DESIGN.md: the consent date is required for an active member.
            models.CheckConstraint(
                condition=~Q(status="active") | Q(consented_on__isnull=False),
                name="network_member_active_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_on__isnull=False),
                name="network_member_withdrawn_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "status"], name="network_member_station_status"),
            models.Index(fields=["phone_digits"], name="network_member_phone"),
        ]

    def __str__(self) -> str:
        return self.name or f"連絡員 No.{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    def clean(self) -> None:
        if self.status == MemberStatus.ACTIVE and not self.consented_on:
            raise ValidationError({"consented_on": "承諾日を入力してください。"})


class GroupMembership(models.Model):
    """The member in a group, with his post there (会長, 役員, 会員 …)."""

    member = models.ForeignKey(
        LiaisonMember, on_delete=models.CASCADE, related_name="memberships", verbose_name="連絡員"
    )
    group = models.ForeignKey(
        CommunityGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name="団体"
    )
    post = models.CharField("団体での役職", max_length=40, blank=True)

    class Meta:
        verbose_name = "団体への所属"
        verbose_name_plural = "団体への所属"
        ordering = ["group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group"], name="network_membership_unique_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.post}".strip()


class MemberPost(models.Model):
    """A concurrent post of the member (2⑵)."""

    member = models.ForeignKey(
        LiaisonMember, on_delete=models.CASCADE, related_name="posts", verbose_name="連絡員"
    )
    kind = models.CharField("兼任", max_length=20, choices=ConcurrentPost.choices)
    note = models.CharField("内容", max_length=100, blank=True)

    class Meta:
        verbose_name = "兼任"
        verbose_name_plural = "兼任"
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="network_memberpost_unique")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class StepKind(models.TextChoices):
    REPORTED = "reported", "候補者として報告"
    ASKED = "asked", "依頼"
    CONSENTED = "consented", "承諾"
    DECLINED = "declined", "辞退"
    WITHDREW = "withdrew", "退任"


class MemberStep(models.Model):
    """One step of a person's way to and from the network: who, when, which department and
    why. A second ask after a refusal carries its new reason here (4⑵: 無理強いしない)."""

    member = models.ForeignKey(
        LiaisonMember, on_delete=models.CASCADE, related_name="steps", verbose_name="連絡員"
    )
    kind = models.CharField("内容", max_length=20, choices=StepKind.choices)
    on = models.DateField("日付")
    by = actor_field("記録した職員")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="課",
    )
    reason = free_text_field("理由・経緯", blank=True)
    recorded_at = models.DateTimeField("記録日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "連絡員の依頼・承諾の記録"
        verbose_name_plural = "連絡員の依頼・承諾の記録"
        ordering = ["member", "on", "pk"]
        indexes = [models.Index(fields=["member", "kind", "on"], name="network_step_member_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.on}）"
