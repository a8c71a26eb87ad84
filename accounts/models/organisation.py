"""The organisation tree: 警察本部, 警察署 and its 課, 交番・駐在所, 受持区, and the guardian
object-permission tables (user and group) of each guarded level."""

from __future__ import annotations

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


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
            # 地域安全ネットワーク 3⑴エ: HQ supports the stations with 地域安全情報.
            ("publish_bulletins", "地域安全情報の掲載（本部）"),
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
            # 地域安全ネットワーク (network): every department reads the roster, reports
            # candidates and records exchanges (2⑶・⑷, 3⑴イ); 署地域課 keeps the roster (2⑷).
            ("view_member_roster", "連絡員一覧表の閲覧"),
            ("report_member_candidates", "連絡員候補者の報告"),
            ("record_exchanges", "連絡員との情報交換の記録"),
            ("keep_member_roster", "連絡員一覧表の管理（依頼・承諾・辞退の記録）"),
            ("hold_safety_meetings", "地域安全の会の開催・記録"),
            ("publish_bulletins", "地域安全情報の掲載（署）"),
            # Figures only (counts per beat, department, month): HQ's overview.
            ("review_network", "地域安全ネットワークの状況把握"),
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


class Division(models.Model):
    """本部の所属 (生活安全企画課, 広報広聴課 …) and the 総合当直 (duty desk): the HQ units an
    alert is reported to, approved by and sent from (seeds 003・004)."""

    class Kind(models.TextChoices):
        DIVISION = "division", "所属"
        DUTY_DESK = "duty_desk", "総合当直"

    headquarters = models.ForeignKey(
        Headquarters, on_delete=models.PROTECT, related_name="divisions", verbose_name="警察本部"
    )
    code = models.SlugField("所属コード", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("種別", max_length=20, choices=Kind.choices, default=Kind.DIVISION)

    class Meta:
        verbose_name = "本部の所属"
        verbose_name_plural = "本部の所属"
        ordering = ["headquarters", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "name"], name="accounts_division_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DivisionSection(models.Model):
    """係 of an HQ division where a seed names one (子供・女性の安全対策係, 犯罪抑止対策係)."""

    division = models.ForeignKey(
        Division, on_delete=models.CASCADE, related_name="sections", verbose_name="所属"
    )
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "係"
        verbose_name_plural = "係"
        ordering = ["division", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "name"], name="accounts_divisionsection_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division.name} {self.name}"


class Municipality(models.Model):
    """市町村 of the prefecture and the station whose area it lies in: the areas an alert
    is sent to and a subscriber chooses."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="municipalities", verbose_name="管轄警察署"
    )
    code = models.CharField("団体コード", max_length=6, unique=True)
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = "市町村"
        verbose_name_plural = "市町村"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


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
