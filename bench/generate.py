"""The benchmark's data: one station of a prefecture, its posts and beats, and its cards.

The organisation is built through the real services (as tests/conftest.py build_world()
does), so that permissions come from appointments exactly as in production. Cards and
members are then inserted in bulk, with the derived columns (head name and reading,
address sort key, search columns, missing and declined items) filled by the very function
the services use, `liaison.cards.contents._refresh_derived`, and with one history record each
(simple-history's bulk_create_with_history), as if each had been made and filed once.
One card, the one the card page measure opens, is made and corrected through the services
so that its page shows a real history. What the cards contain is drawn by
bench/card_maker.py's Maker from the seed.

A second run finds the data and does not regenerate it unless the counts differ or
`--fresh` is given. The other data build on `world_ensure`'s World in their own modules:
visits in bench/measures/visits.py, access events in bench/generate_audit.py, the network
in bench/generate_network.py, the alert subscribers in bench/measures/alerts.py.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as accounts_services
from accounts.models import Beat, Department, Headquarters, Post, Role, Station, User
from liaison.cards import contents as cards_contents
from liaison.cards import services as cards_services
from liaison.cards.models import (
    CardKind,
    CardMember,
    CardStatus,
    CardVehicle,
    LiaisonBook,
    LiaisonCard,
    MadeBy,
    Relationship,
    ResidenceType,
)

from .card_maker import Maker

STATION_CODE = "BENCH01"
HQ_NAME = "茨城県警察本部"
STATION_NAME = "水戸中央警察署"
CHIEF_NUMBER = "B900001"
OFFICER_NUMBER = "B900002"
PASSWORD = "bench-password-not-for-use"  # noqa: S105 (a generated bench database only)

# Six posts, twenty beats. The first beat is the beat officer's: it holds the book that
# the book page measure opens (5% of the cards: 2,500 of 50,000). The second holds 10%
# (5,000 of 50,000), the subset the CSV export is compared against.
POSTS: list[tuple[str, str, list[str]]] = [
    ("駅前交番", Post.Kind.KOBAN, ["第1受持区", "第2受持区", "第3受持区", "第4受持区"]),
    ("駅南交番", Post.Kind.KOBAN, ["第1受持区", "第2受持区", "第3受持区", "第4受持区"]),
    ("千波駐在所", Post.Kind.CHUZAISHO, ["千波第1受持区", "千波第2受持区"]),
    ("本署所在地", Post.Kind.SHOZAICHI, ["三の丸受持区", "南町受持区", "宮町受持区"]),
    ("東口交番", Post.Kind.KOBAN, ["第1受持区", "第2受持区", "第3受持区", "第4受持区"]),
    ("見川駐在所", Post.Kind.CHUZAISHO, ["見川第1受持区", "見川第2受持区", "見川第3受持区"]),
]
MEASURED_SHARE = 0.05
LARGE_SHARE = 0.10

# The measured card ends with this many members (the bench counts them in the total).
MEASURED_MEMBERS = 6
BATCH = 2000


@dataclass
class World:
    """What the measures stand on; looked up again on a run that keeps the data."""

    station: Station
    chief: User
    beat_officer: User
    measured_book: LiaisonBook
    large_book: LiaisonBook
    measured_card: LiaisonCard
    cards: int
    members: int
    generated_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# --- Entry point ---------------------------------------------------------------------------


def world_ensure(
    *, cards: int, members: int, fresh: bool = False, keep: bool = False, seed: int = 3
) -> World:
    """The station with `cards` cards and `members` members. Regenerated (after emptying
    the database) when forced or when the counts differ, unless `keep` says to measure
    whatever is there."""
    world = _world_find()
    if world is not None and not fresh:
        if keep or (world.cards == cards and world.members == members):
            return world
        print(
            f"データ件数が異なります（カード {world.cards:,} 件、世帯員 {world.members:,} 人）。"
            "作り直します。"
        )
    if world is not None or _has_rows():
        from accounts.audit.chain import purge_allowed

        with purge_allowed():  # the access log's triggers let only this path empty it
            call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    _generate(cards=cards, members=members, seed=seed)
    _analyze()
    world = _world_find()
    assert world is not None
    world.generated_seconds = time.perf_counter() - started
    return world


def _has_rows() -> bool:
    return User.objects.exists() or Station.objects.exists()


def _world_find() -> World | None:
    station = Station.objects.filter(code=STATION_CODE).first()
    if station is None:
        return None
    chief = User.objects.filter(employee_number=CHIEF_NUMBER).first()
    officer = User.objects.filter(employee_number=OFFICER_NUMBER).first()
    beats = _beats_in_order(station)
    if chief is None or officer is None or len(beats) < 2:
        return None
    measured_book = LiaisonBook.objects.get(pk=beats[0].pk)
    large_book = LiaisonBook.objects.get(pk=beats[1].pk)
    measured_card = (
        LiaisonCard.objects.filter(book=measured_book, version__gt=1).order_by("-version").first()
    )
    if measured_card is None:
        return None
    return World(
        station=station,
        chief=chief,
        beat_officer=officer,
        measured_book=measured_book,
        large_book=large_book,
        measured_card=measured_card,
        cards=LiaisonCard.objects.filter(station=station).count(),
        members=CardMember.objects.filter(card__station=station).count(),
    )


def _beats_in_order(station: Station) -> list[Beat]:
    wanted = [(post, beat) for post, _, beats in POSTS for beat in beats]
    found = {
        (b.post.name, b.name): b
        for b in Beat.objects.filter(post__station=station).select_related("post")
    }
    return [found[key] for key in wanted if key in found]


def _analyze() -> None:
    """Fresh planner statistics and visibility map, as a database that has been running
    for a while would have (autovacuum would do it within minutes)."""
    with connection.cursor() as cursor:
        for table in (
            LiaisonCard._meta.db_table,
            CardMember._meta.db_table,
            CardVehicle._meta.db_table,
            LiaisonCard.history.model._meta.db_table,
            CardMember.history.model._meta.db_table,
        ):
            cursor.execute(f'VACUUM ANALYZE "{table}"')


# --- Organisation ----------------------------------------------------------------------------


def _organisation() -> tuple[Station, list[Beat], User, User]:
    hq = Headquarters.objects.create(name=HQ_NAME)
    station = Station.objects.create(headquarters=hq, code=STATION_CODE, name=STATION_NAME)
    Department.objects.create(station=station, kind=Department.Kind.COMMUNITY, name="地域課")
    beats = []
    for post_name, kind, beat_names in POSTS:
        post = Post.objects.create(station=station, kind=kind, name=post_name)
        for beat_name in beat_names:
            beats.append(accounts_services.beat_create(actor=None, post=post, name=beat_name))
    start = timezone.localdate() - dt.timedelta(days=400)
    chief = User.objects.create_user(
        CHIEF_NUMBER, PASSWORD, full_name="佐藤 隆", full_name_kana="サトウ タカシ"
    )
    accounts_services.appointment_start(
        actor=None, user=chief, role=Role.CHIEF, unit=station, starts_on=start
    )
    officer = User.objects.create_user(
        OFFICER_NUMBER, PASSWORD, full_name="伊藤 大輔", full_name_kana="イトウ ダイスケ"
    )
    first = beats[0]
    accounts_services.appointment_start(
        actor=None, user=officer, role=Role.BEAT_OFFICER, unit=first.post, starts_on=start
    )
    accounts_services.beat_assignment_start(
        actor=None, officer=officer, beat=first, starts_on=start
    )
    return station, beats, chief, officer


def _beat_sizes(total: int, beats: int) -> list[int]:
    measured = round(total * MEASURED_SHARE)
    large = round(total * LARGE_SHARE)
    rest = total - measured - large
    others = [rest // (beats - 2)] * (beats - 2)
    for i in range(rest - sum(others)):
        others[i] += 1
    return [measured, large, *others]


# --- Cards -------------------------------------------------------------------------------------


def _generate(*, cards: int, members: int, seed: int) -> None:
    started = time.perf_counter()
    with transaction.atomic():
        station, beats, _chief, officer = _organisation()
    maker = Maker(seed)
    sizes = _beat_sizes(cards - 1, len(beats))  # the measured card is made apart
    skeletons = [maker.beat_skeleton(size, index) for index, size in enumerate(sizes)]
    maker.household_sizes([s for beat in skeletons for s in beat], members - MEASURED_MEMBERS)
    print(f"  組織を作成しました（{time.perf_counter() - started:.1f} 秒）")
    for index, (beat, beat_skeletons) in enumerate(zip(beats, skeletons, strict=True)):
        book = LiaisonBook.objects.get(pk=beat.pk)
        _insert_beat(maker, station, book, officer, beat_skeletons)
        print(
            f"\r  カードを作成中 {index + 1}/{len(beats)} 受持区"
            f"（{time.perf_counter() - started:.0f} 秒）",
            end="",
            flush=True,
        )
    print()
    _measured_card(station, LiaisonBook.objects.get(pk=beats[0].pk), officer)


@transaction.atomic
def _insert_beat(
    maker: Maker,
    station: Station,
    book: LiaisonBook,
    officer: User,
    skeletons: list[dict[str, Any]],
) -> None:
    """One beat's cards, members and vehicles, with one history record each."""
    apartments: list[LiaisonCard] = []
    others: list[LiaisonCard] = []
    member_rows: dict[int, list[dict[str, Any]]] = {}
    vehicle_rows: dict[int, list[dict[str, str]]] = {}
    for skeleton in skeletons:
        card = LiaisonCard(
            kind=skeleton["kind"],
            status=CardStatus.FILED,
            station=station,
            book=book,
            created_by=officer,
        )
        cards_contents._apply(card, maker.card_data(skeleton))
        rows = maker.members(skeleton) if skeleton["kind"] == CardKind.HOUSEHOLD else []
        normalised = [cards_contents._normalise_member(m) for m in rows]
        cards_contents._refresh_derived(card, normalised)
        maker.life(
            card, closable=skeleton["kind"] != CardKind.APARTMENT and "parent" not in skeleton
        )
        skeleton["card"] = card
        if skeleton["kind"] == CardKind.APARTMENT:
            apartments.append(card)
        else:
            others.append(card)
        member_rows[id(card)] = [
            {**m, "position": position} for position, m in enumerate(normalised)
        ]
        if skeleton["kind"] == CardKind.HOUSEHOLD:
            vehicle_rows[id(card)] = maker.vehicles()
    for skeleton in skeletons:
        if "parent" in skeleton:
            skeleton["card"].parent = skeleton["parent"]["card"]
    history = {"default_user": officer, "default_change_reason": "作成・編てつ"}
    bulk_create_with_history(apartments, LiaisonCard, batch_size=BATCH, **history)
    for card in others:
        if card.parent is not None:
            card.parent_id = card.parent.pk
    bulk_create_with_history(others, LiaisonCard, batch_size=BATCH, **history)
    member_objs = [
        CardMember(card=card, card_version=1, **row)
        for card in others
        for row in member_rows[id(card)]
    ]
    bulk_create_with_history(member_objs, CardMember, batch_size=BATCH, **history)
    vehicle_objs = [
        CardVehicle(card=card, card_version=1, **row)
        for card in others
        for row in vehicle_rows.get(id(card), [])
    ]
    bulk_create_with_history(vehicle_objs, CardVehicle, batch_size=BATCH, **history)


# --- The measured card -------------------------------------------------------------------------

MEASURED_DATA = {
    "postal_code": "3100852",
    "prefecture": "茨城県",
    "city": "水戸市",
    "town": "笠原町",
    "banchi": "2-15-8",
    "phone": "029-241-1234",
    "residence_type": ResidenceType.OWNED_HOUSE,
    "moved_in_on": dt.date(2004, 4, 1),
    "emergency_name": "高橋 一郎",
    "emergency_relation": "兄",
    "emergency_phone": "090-1111-2222",
    "made_by": MadeBy.INTERVIEW,
}
MEASURED_PEOPLE = [
    ("高橋 誠", "タカハシ マコト", Relationship.HEAD, 52, "会社員", "市内の会社"),
    ("高橋 恵子", "タカハシ ケイコ", Relationship.SPOUSE, 50, "パート", "市内の病院"),
    ("高橋 翔太", "タカハシ ショウタ", Relationship.CHILD, 21, "大学生", "茨城大学"),
    ("高橋 美咲", "タカハシ ミサキ", Relationship.CHILD, 16, "高校生", "県立水戸第二高校"),
    ("高橋 陸", "タカハシ リク", Relationship.CHILD, 11, "小学生", "笠原小学校"),
    ("高橋 茂", "タカハシ シゲル", Relationship.PARENT, 81, "年金生活", ""),
]


def _person(row: tuple, today: dt.date) -> dict[str, Any]:
    name, kana, relation, age, occupation, workplace = row
    return {
        "name": name,
        "kana": kana,
        "relationship": relation,
        "birth_date": today.replace(year=today.year - age, day=1),
        "occupation": occupation,
        "workplace": workplace,
        "phone": "",
        "declined": [],
    }


def _measured_card(station: Station, book: LiaisonBook, officer: User) -> LiaisonCard:
    """A household of six with two vehicles, corrected nineteen times through the services,
    as the page of a card that has been in a book for years would show it."""
    today = timezone.localdate()
    card = cards_services.card_create(
        actor=officer,
        kind=CardKind.HOUSEHOLD,
        book=book,
        data=MEASURED_DATA,
        members=[_person(row, today) for row in MEASURED_PEOPLE],
        vehicles=[
            {"kind": "普通", "maker_model": "プリウス", "color": "白", "plate": "水戸 300 さ 12-34"}
        ],
    )

    def members() -> list[dict[str, Any]]:
        return [
            {"id": m.pk, **{k: getattr(m, k) for k in cards_contents.MEMBER_FIELDS}}
            for m in card.members.all()
        ]

    def vehicles() -> list[dict[str, Any]]:
        return [
            {"id": v.pk, **{k: getattr(v, k) for k in cards_contents.VEHICLE_FIELDS}}
            for v in card.vehicles.all()
        ]

    def correct(reason: str, data=None, member_rows=None, vehicle_rows=None) -> None:
        nonlocal card
        card = cards_services.card_update(
            actor=officer,
            card=card,
            version=card.version,
            data=data or {},
            members=member_rows,
            vehicles=vehicle_rows,
            reason=reason,
        )

    def member_change(index: int, **changes: Any) -> list[dict[str, Any]]:
        rows = members()
        rows[index] |= changes
        return rows

    newborn = {**_person(("高橋 湊", "タカハシ ミナト", Relationship.GRANDCHILD, 0, "", ""), today)}
    newborn["birth_date"] = today - dt.timedelta(days=40)
    correct("電話番号の変更（回線の変更）", {"phone": "029-241-5678"})
    correct("世帯員の職業の変更", member_rows=member_change(1, occupation="会社員"))
    correct(
        "車両の追加",
        vehicle_rows=[
            *vehicles(),
            {"kind": "軽", "maker_model": "N-BOX", "color": "黒", "plate": "水戸 580 あ 56-78"},
        ],
    )
    correct("緊急連絡先の電話番号の変更", {"emergency_phone": "080-3333-4444"})
    correct("出生による世帯員の追加", member_rows=[*members(), newborn])
    correct("困りごとの聴取", {"concerns": "夜間、近くの公園で若者が騒いでいる。"})
    correct("居住形態の訂正", {"residence_type": ResidenceType.RENTED_HOUSE})
    correct("世帯員の勤務先の変更", member_rows=member_change(0, workplace="東京都内の会社"))
    rows = vehicles()
    rows[0] |= {"maker_model": "アクア", "color": "青", "plate": "水戸 301 さ 98-76"}
    correct("車両の買替え", vehicle_rows=rows)
    correct("要配意事項の追加（要支援者）", {"care_needs_support": True})
    correct(
        "転出による世帯員の削除", member_rows=[m for m in members() if m["name"] != "高橋 翔太"]
    )
    correct("世帯員の連絡先の追加", member_rows=member_change(0, phone="090-5555-6666"))
    correct("入居年月日の訂正", {"moved_in_on": dt.date(2004, 3, 20)})
    correct(
        "回答拒否の記録", member_rows=member_change(4, declined=["birth_date"], birth_date=None)
    )
    correct("緊急連絡先の変更", {"emergency_name": "高橋 和子", "emergency_relation": "姉"})
    correct("進学による学校の変更", member_rows=member_change(2, workplace="県立水戸第一高校"))
    correct("困りごとの更新", {"concerns": "夜間の騒音は解消した。空き家の管理が心配。"})
    correct("車両の廃車", vehicle_rows=vehicles()[:1])
    correct("世帯員の氏名の訂正（異体字）", member_rows=member_change(1, name="高橋 惠子"))
    assert card.members.count() == MEASURED_MEMBERS, card.members.count()
    return card
