"""Demo data of 地域安全ネットワーク for `manage.py seed_demo` (NetworkConfig.seed_demo): at
水戸中央警察署, community groups, active members with their groups, posts and beats, a
candidate met by 生活安全課 at a campaign and not yet asked, one who declined, an exchange
with an open request for 交通課, a 地域安全の会 held with a 自治会's meeting and a bulletin on
the shelf. Looked up by natural key first: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Beat, Department, Station, User
from accounts.utils.names import fold_name, search_key
from network.bulletins.models import Bulletin, BulletinKind
from network.exchanges.models import Exchange, ExchangeOccasion
from network.meetings.models import SafetyMeeting
from network.members.models import (
    CommunityGroup,
    ConcurrentPost,
    FoundOccasion,
    GroupKind,
    GroupMembership,
    LiaisonMember,
    MemberPost,
    MemberStatus,
    MemberStep,
    StepKind,
)
from network.requests.models import DepartmentRequest

STATION = "101"
GROUPS = [
    (GroupKind.NEIGHBOURHOOD, "笠原町一丁目自治会", "水戸市", "笠原町一丁目"),
    (GroupKind.NEIGHBOURHOOD, "千波町自治会", "水戸市", "千波町"),
    (GroupKind.VOLUNTEER, "千波見守り隊", "水戸市", "千波小学校区"),
    (GroupKind.SCHOOL, "水戸市立千波小学校", "水戸市", "千波小学校区"),
]
# name, kana, phone, address, status, group, post there, concurrent post, beat, found by
MEMBERS = [
    (
        "岡本 良子",
        "オカモト ヨシコ",
        "029-241-1001",
        "水戸市笠原町1-2-3",
        "active",
        "笠原町一丁目自治会",
        "会長",
        ConcurrentPost.GROUP_HEAD,
        "駅南交番/第1受持区",
        "260121",
    ),
    (
        "長谷川 勝",
        "ハセガワ マサル",
        "029-241-1002",
        "水戸市千波町1-5-8",
        "active",
        "千波見守り隊",
        "隊長",
        ConcurrentPost.PROMOTION,
        "千波駐在所/千波町一丁目",
        "260123",
    ),
    (
        "𠮷田 春江",
        "ヨシダ ハルエ",
        "029-241-1003",
        "水戸市千波町2-1-1",
        "active",
        "千波町自治会",
        "役員",
        ConcurrentPost.JUVENILE,
        "千波駐在所/千波町二丁目",
        "260123",
    ),
    (
        "村上 直樹",
        "ムラカミ ナオキ",
        "029-241-1004",
        "水戸市笠原町2-4-4",
        "candidate",
        "",
        "",
        None,
        "駅南交番/第2受持区",
        "260106",
    ),
    (
        "坂本 和子",
        "サカモト カズコ",
        "029-241-1005",
        "水戸市南町3-3-3",
        "declined",
        "",
        "",
        None,
        "本署所在地/南町",
        "260121",
    ),
]


def _person(number: str) -> User:
    return User.objects.get(employee_number=number)


def _department_of(station: Station, name: str) -> Department:
    return Department.objects.get(station=station, name=name)


def seed_network() -> int:
    """Returns how many members were made (0 on a second run)."""
    station = Station.objects.filter(code=STATION).first()
    if station is None or LiaisonMember.objects.filter(station=station).exists():
        return 0
    today = timezone.localdate()
    chief = _person("260102")
    community = _department_of(station, "地域課")
    groups = {}
    for kind, name, municipality, area in GROUPS:
        groups[name], _ = CommunityGroup.objects.get_or_create(
            station=station,
            name=name,
            defaults={"kind": kind, "municipality": municipality, "area": area},
        )
    beats = {
        f"{b.post.name}/{b.name}": b
        for b in Beat.objects.filter(post__station=station).select_related("post")
    }
    made = {}
    for index, row in enumerate(MEMBERS):
        name, kana, phone, address, status, group, post, concurrent, beat, finder = row
        finder_user = _person(finder)
        found_on = today - dt.timedelta(days=200 - index * 30)
        department = _department_of(station, "生活安全課") if finder == "260106" else community
        member = LiaisonMember(
            station=station,
            status=status,
            name=name,
            name_kana=kana,
            search_key=search_key([name, kana]),
            phone=phone,
            phone_digits="".join(ch for ch in phone if ch.isdigit()),
            address=address,
            address_key=fold_name(address).replace(" ", ""),
            municipality="水戸市",
            officer=_person("260123") if "千波" in beat else _person("260121"),
            department=community,
            found_by=finder_user,
            found_department=department,
            found_on=found_on,
            found_occasion=FoundOccasion.CAMPAIGN
            if finder == "260106"
            else FoundOccasion.LIAISON_VISIT,
            found_note="防犯キャンペーンで声をかけた" if finder == "260106" else "",
            consented_on=found_on + dt.timedelta(days=14) if status == "active" else None,
            declined_on=found_on + dt.timedelta(days=10) if status == "declined" else None,
        )
        member._history_user = finder_user
        member._change_reason = "デモデータ"
        member.save()
        member.beats.set([beats[beat]])
        if group:
            GroupMembership.objects.create(member=member, group=groups[group], post=post)
        if concurrent:
            MemberPost.objects.create(member=member, kind=concurrent)
        MemberStep.objects.create(
            member=member,
            kind=StepKind.REPORTED,
            on=found_on,
            by=finder_user,
            department=department,
        )
        if status in (MemberStatus.ACTIVE, MemberStatus.DECLINED):
            MemberStep.objects.create(
                member=member,
                kind=StepKind.ASKED,
                on=found_on + dt.timedelta(days=7),
                by=chief,
                department=community,
            )
        if status == MemberStatus.ACTIVE:
            MemberStep.objects.create(
                member=member,
                kind=StepKind.CONSENTED,
                on=member.consented_on,
                by=chief,
                department=community,
            )
        if status == MemberStatus.DECLINED:
            MemberStep.objects.create(
                member=member,
                kind=StepKind.DECLINED,
                on=member.declined_on,
                by=chief,
                department=community,
                reason="仕事が忙しく、当面は引き受けられないとのこと",
            )
        made[name] = member
    _seed_activity(station, made, today)
    return len(made)


def _seed_activity(station: Station, made: dict[str, LiaisonMember], today: dt.date) -> None:
    officer = _person("260121")
    community = _department_of(station, "地域課")
    traffic = _department_of(station, "交通課")
    bulletin = Bulletin.objects.create(
        station=station,
        publisher_name="駅南交番",
        kind=BulletinKind.POST_NEWS,
        title="駅南交番速報 12月号（自転車盗難に注意）",
        body="駅周辺で自転車の盗難が続いています。二重ロックをお願いします。",
        valid_from=today - dt.timedelta(days=5),
        valid_until=today + dt.timedelta(days=25),
        published_by=_person("260111"),
    )
    exchange = Exchange.objects.create(
        station=station,
        member=made["岡本 良子"],
        held_on=today - dt.timedelta(days=3),
        staff=officer,
        department=community,
        occasion=ExchangeOccasion.LIAISON_VISIT,
        minutes=25,
        handed_text="年末の特殊詐欺の手口",
        heard="通学路の笠原町一丁目交差点で、朝の車の速度が速く危ないという声が多い。",
        recorded_by=officer,
    )
    exchange.bulletins.set([bulletin])
    DepartmentRequest.objects.create(
        station=station,
        department=traffic,
        exchange=exchange,
        text="笠原町一丁目交差点の朝の速度取締り・見守りの要望（通学路）",
        raised_on=exchange.held_on,
        due_on=exchange.held_on + dt.timedelta(days=14),
        raised_by=officer,
    )
    meeting = SafetyMeeting.objects.create(
        station=station,
        held_on=today - dt.timedelta(days=20),
        place="千波町公民館",
        joined_to="千波町自治会 定例役員会",
        agenda="年末の防犯パトロールの分担、特殊詐欺の被害状況",
        minutes="見守り隊と自治会で、年末の夜間パトロールを週2回行うことにした。",
        recorded_by=_person("260102"),
    )
    meeting.members.set([made["長谷川 勝"], made["𠮷田 春江"]])
    meeting.staff.set([_person("260102"), _person("260123")])
