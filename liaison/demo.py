"""Demo cards for `manage.py seed_demo`: a few households, businesses and an apartment in
every beat, made through the real services by someone who may write each book.

Idempotent: a book that already holds cards is left alone. The residents are fictional.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts import permissions
from accounts.models import Beat, BeatAssignment, Role, Station, User
from liaison.books import services as books_services
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, CardStatus, LiaisonCard
from liaison.instructions import services as instructions_services
from liaison.night import services as night_services
from liaison.planning import services as planning_services
from liaison.visits import services as visits_services

FAMILIES = [
    ("佐々木", "ササキ", ["健", "由美", "陽斗"], ["ケン", "ユミ", "ハルト"]),
    ("山崎", "ヤマザキ", ["茂", "和子"], ["シゲル", "カズコ"]),
    ("森", "モリ", ["トシ"], ["トシ"]),
    ("池田", "イケダ", ["直樹", "彩", "結衣", "蓮"], ["ナオキ", "アヤ", "ユイ", "レン"]),
    ("髙橋", "タカハシ", ["清"], ["キヨシ"]),
    ("阿部", "アベ", ["聡", "真由美"], ["サトシ", "マユミ"]),
]
RELATIONS = ["head", "spouse", "child", "child"]
# The books were kept on paper before: the demo cards were made three years ago, so that
# their visits (a visit is never before its card) can go back a year.
BOOK_YEARS = 3


def _made_at() -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=365 * BOOK_YEARS)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def _writer_for(beat: Beat) -> User | None:
    assignment = (
        BeatAssignment.objects.filter(beat=beat, revoked_at__isnull=True, granted_at__isnull=False)
        .select_related("officer")
        .first()
    )
    if assignment:
        return assignment.officer
    chiefs = [
        u
        for u in permissions.users_with_perm(beat, "change_beat_cards")
        if Role.CHIEF in permissions.active_roles(u)
    ]
    return chiefs[0] if chiefs else None


def _members(index: int) -> list[dict]:
    family, family_kana, given, given_kana = FAMILIES[index % len(FAMILIES)]
    born = [dt.date(1958, 4, 2), dt.date(1961, 9, 30), dt.date(1992, 1, 15), dt.date(2015, 6, 1)]
    return [
        {
            "name": f"{family} {name}",
            "kana": f"{family_kana} {kana}",
            "relationship": RELATIONS[i],
            "birth_date": born[i] if len(given) > 1 else dt.date(1940, 3, 3),
            "occupation": ["会社員", "パート", "大学生", "小学生"][i],
        }
        for i, (name, kana) in enumerate(zip(given, given_kana, strict=True))
    ]


def seed_book(beat: Beat) -> int:
    book = books_services.book_ensure(beat=beat)
    if LiaisonCard.objects.filter(book=book).exists():
        return 0
    writer = _writer_for(beat)
    if writer is None:
        return 0
    town = beat.name if "町" in beat.name else "笠原町"
    made_at = _made_at()
    made = 0
    for i in range(5):
        members = _members(i + beat.pk)
        alone = len(members) == 1
        cards_services.card_create(
            actor=writer,
            kind=CardKind.HOUSEHOLD,
            book=book,
            data={
                "postal_code": "3100852",
                "prefecture": "茨城県",
                "city": "水戸市",
                "town": town,
                "banchi": f"{i + 1}-{(i * 7) % 12 + 1}-{i + 2}",
                "phone": f"029-2{beat.pk % 10}{i}-{1000 + i * 37}",
                "residence_type": "owned_house",
                "moved_in_on": dt.date(2010 + i, 4, 1),
                "care_elderly_alone": alone,
                "declined": ["phone"] if i == 3 else [],
                "concerns": "夜間に不審な車両が停まっていることがある。" if i == 1 else "",
            },
            members=members,
            made_at=made_at,
        )
        made += 1
    cards_services.card_create(
        actor=writer,
        kind=CardKind.BUSINESS,
        book=book,
        data={
            "town": town,
            "banchi": "10-1",
            "business_name": "千波ストア",
            "business_name_kana": "センバストア",
            "business_representative": "大川 誠",
            "business_trade": "小売業（食料品）",
            "business_staff": 12,
            "business_hours": "9:00〜21:00",
            "business_holidays": "元日",
            "phone": "029-300-1234",
        },
        made_at=made_at,
    )
    apartment = cards_services.card_create(
        actor=writer,
        kind=CardKind.APARTMENT,
        book=book,
        data={"town": town, "banchi": "2-4", "building": "コーポ千波"},
        made_at=made_at,
    )
    for room, index in (("101", 2), ("202", 4)):
        cards_services.card_create(
            actor=writer,
            kind=CardKind.HOUSEHOLD,
            book=book,
            parent=apartment,
            data={"room": room, "residence_type": "rented_flat"},
            members=_members(index),
            made_at=made_at,
        )
    cards_services.card_create(
        actor=writer,
        kind=CardKind.HOUSEHOLD,
        book=book,
        draft=True,
        data={"town": town, "banchi": "8-8"},
        members=[{"name": "下書 中", "kana": "シタガキ チュウ"}],
    )
    return made + 5


def seed_submitted() -> None:
    """A card made at the counter by other staff, waiting for the 地域課長 to assign a beat."""
    for station in Station.objects.order_by("code"):
        if LiaisonCard.objects.filter(station=station, status=CardStatus.SUBMITTED).exists():
            continue
        staff = [
            u
            for u in permissions.users_with_perm(station, "submit_cards")
            if Role.STAFF in permissions.active_roles(u)
        ]
        if not staff:
            continue
        cards_services.card_create(
            actor=staff[0],
            kind=CardKind.HOUSEHOLD,
            station=station,
            data={"town": "南町", "banchi": "3-3-1", "phone": "029-221-0000"},
            members=[{"name": "窓口 来子", "kana": "マドグチ キコ", "relationship": "head"}],
        )


def seed_cards() -> int:
    """Cards in every beat that has someone to write them; returns how many were made."""
    made = 0
    for beat in Beat.objects.select_related("post__station").order_by("pk"):
        made += seed_book(beat)
    seed_areas()
    seed_submitted()
    seed_visits()
    seed_handouts_and_notes()
    return made


# --- issue 10: 管内, 手交, 指導・評価 --------------------------------------------------------------

# 水戸中央警察署's beats and their areas (要領 第6-2(1)イ). ひたちなか東警察署 is left without
# any, to show how a station that has not set its 管内 yet is handled.
DEMO_AREAS = {
    ("101", "駅南交番", "第1受持区"): "笠原町一丁目",
    ("101", "駅南交番", "第2受持区"): "笠原町二丁目",
    ("101", "駅南交番", "第3受持区"): "笠原町三丁目",
    ("101", "千波駐在所", "千波町一丁目"): "千波町一丁目",
    ("101", "千波駐在所", "千波町二丁目"): "千波町二丁目",
    ("101", "本署所在地", "三の丸"): "三の丸",
    ("101", "本署所在地", "南町"): "南町",
}


def seed_areas() -> None:
    """Each beat's area set by a 地域課長等 over it, once (a beat with areas is left alone)."""
    from liaison.areas.models import BeatArea

    from .areas.services import beat_areas_set

    for (code, post, name), text in DEMO_AREAS.items():
        beat = Beat.objects.filter(post__station__code=code, post__name=post, name=name).first()
        if beat is None or BeatArea.objects.filter(beat=beat).exists():
            continue
        keepers = [
            u
            for u in permissions.users_with_perm(beat, "set_beat_area")
            if Role.CHIEF in permissions.active_roles(u)
        ]
        if keepers:
            beat_areas_set(actor=keepers[0], beat=beat, text=text, reason="デモデータ")


def seed_handouts_and_notes() -> None:
    """伊藤 大輔 (260121) has handed a card to a new household, to be collected in a few days;
    佐藤 隆 (260102) has given him guidance and 松本 健一 (260101) a commendation."""
    from liaison.guidance.models import OfficerNote
    from liaison.handouts.models import CardHandout

    from .guidance.services import officer_note_add
    from .handouts.services import handout_record

    officer = User.objects.filter(employee_number="260121").first()
    beat = permissions.beats_for(officer, "record_visits").first() if officer else None
    if beat is None:
        return
    today = timezone.localdate()
    if not CardHandout.objects.filter(officer=officer).exists():
        handout_record(
            actor=officer,
            book=beat.book,
            town="笠原町",
            banchi="1-20-3",
            resident_name="新居 一郎",
            handed_on=today - dt.timedelta(days=3),
            collect_by=today + dt.timedelta(days=4),
        )
    if OfficerNote.objects.filter(officer=officer).exists():
        return
    station = beat.post.station
    for number, kind, body in (
        (
            "260102",
            OfficerNote.Kind.GUIDANCE,
            "笠原町一丁目は共働き世帯が多く日中不在が続いています。夕方の訪問を計画し、"
            "夜間巡回連絡の承認を早めに申請してください。",
        ),
        (
            "260101",
            OfficerNote.Kind.COMMENDATION,
            "一人暮らしの高齢者への丁寧な巡回連絡について、自治会長から感謝の声が寄せられました。",
        ),
    ):
        writer = User.objects.filter(employee_number=number).first()
        if writer is not None:
            officer_note_add(actor=writer, station=station, officer=officer, kind=kind, body=body)


# --- 巡回連絡 (issue 4) ---------------------------------------------------------------------

DEMO_VISIT_TIMES = [dt.time(10, 0), dt.time(14, 30), dt.time(9, 15), dt.time(15, 45)]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def seed_visits() -> int:
    """Past daytime visits on about two thirds of each assigned beat's cards (the rest stay
    due, so that worklists are not empty), a follow-up still open, a dedicated day, this
    month's plan, and one pending night request for tomorrow. Idempotent: a beat whose
    cards have visits is left alone."""
    from accounts.models import Headquarters
    from liaison.night.models import NightVisitRequest
    from liaison.planning.models import MonthlyPlan, VisitPolicy
    from liaison.visits.models import Visit, VisitOutcome

    today = timezone.localdate()
    for hq in Headquarters.objects.all():
        if not VisitPolicy.objects.filter(headquarters=hq).exists():
            VisitPolicy.objects.create(
                headquarters=hq,
                default_cycle_days=365,
                elderly_alone_cycle_days=180,
                needs_support_cycle_days=180,
                reason="要領第5-2に基づく当初設定",
            )
    made = 0
    assignments = BeatAssignment.objects.filter(
        granted_at__isnull=False, revoked_at__isnull=True
    ).select_related("officer", "beat__post__station")
    for assignment in assignments:
        officer, beat = assignment.officer, assignment.beat
        cards = list(
            LiaisonCard.objects.filter(book_id=beat.pk, status=CardStatus.FILED).order_by("pk")
        )
        if not cards or Visit.objects.filter(book_id=beat.pk).exists():
            continue
        for index, card in enumerate(cards):
            if index % 3 == 2:
                continue  # left due for the worklist
            day = today - dt.timedelta(days=20 + 37 * index)
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            start = _at(day, DEMO_VISIT_TIMES[index % len(DEMO_VISIT_TIMES)])
            visits_services.visit_record(
                actor=officer,
                card=card,
                started_at=start,
                ended_at=start + dt.timedelta(minutes=15),
                outcome=VisitOutcome.ABSENT if index % 5 == 4 else VisitOutcome.MET,
                topics={"topic_trends": "guidance", "topic_first_aid": "information"},
                concerns="夜間、公園付近の街灯が暗い" if index == 0 else "",
                follow_up_department="municipality" if index == 0 else "",
                follow_up_note="市へ防犯灯の設置を要望" if index == 0 else "",
            )
            made += 1
        station = beat.post.station
        month = today.replace(day=1)
        if not MonthlyPlan.objects.filter(officer=officer, month=month).exists():
            planning_services.monthly_plan_set(
                actor=officer,
                station=station,
                officer=officer,
                month=month,
                planned_households=40,
                areas=f"{beat.name}の集合住宅",
            )
        if officer.employee_number == "260121":
            _seed_outside_hours(officer, cards, today)
        if (
            officer.employee_number == "260121"
            and not NightVisitRequest.objects.filter(officer=officer).exists()
        ):
            night_services.night_request_create(
                actor=officer,
                date=today + dt.timedelta(days=1),
                planned_start=dt.time(18, 0),
                planned_end=dt.time(19, 30),
                reason="日中不在の共働き世帯を訪問するため",
            )
    seed_instructions()
    return made


def _seed_outside_hours(officer: User, cards: list[LiaisonCard], today: dt.date) -> None:
    """A visit that really happened at 17:40 without night approval, recorded with its
    reason: it waits on the 地域課長's page (要領 第5-3 おおむね)."""
    from liaison.visits.models import VisitOutcome

    due = [card for index, card in enumerate(cards) if index % 3 == 2]
    if not due:
        return
    day = today - dt.timedelta(days=3)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    visits_services.visit_record(
        actor=officer,
        card=due[0],
        started_at=_at(day, dt.time(17, 30)),
        ended_at=_at(day, dt.time(17, 40)),
        outcome=VisitOutcome.ABSENT,
        outside_hours_reason="日中不在の世帯と約束した時間に訪問したが、不在だった。",
    )


def seed_instructions() -> None:
    """One 署長指示 per station (要領 第5-1): the apartment buildings, which the policy does not
    count, are added for the caretakers' crime-prevention talks this quarter."""
    from liaison.instructions.models import StationInstruction

    today = timezone.localdate()
    for station in Station.objects.order_by("code"):
        if StationInstruction.objects.filter(station=station).exists():
            continue
        managers = [
            u
            for u in permissions.users_with_perm(station, "instruct_visits")
            if Role.STATION_MANAGER in permissions.active_roles(u)
        ]
        buildings = list(
            LiaisonCard.objects.filter(
                station=station, kind=CardKind.APARTMENT, status=CardStatus.FILED
            ).values_list("pk", flat=True)
        )
        if not managers or not buildings:
            continue
        instructions_services.station_instruction_issue(
            actor=managers[0],
            station=station,
            action=StationInstruction.Action.INCLUDE,
            card_ids=buildings,
            reason="集合住宅の管理人への防犯指導を重点的に行うため",
            starts_on=today,
            ends_on=today + dt.timedelta(days=90),
        )
