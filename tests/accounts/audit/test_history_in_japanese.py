"""No English on a Japanese page: the history of every model that keeps one (every
`history = HistoricalRecords()`) renders its changed fields and values in Japanese — on the
card page's history, on the audit's history pages and on the person page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.audit import registry
from accounts.models import Appointment, BeatAssignment, Role, User
from alerts.categories import defaults as category_defaults
from alerts.categories import services as category_services
from alerts.categories.models import Category
from alerts.chain import presets
from alerts.chain.models import Scope
from alerts.drafts import services as alert_services
from alerts.drafts.models import Alert
from liaison.areas import services as area_services
from liaison.areas.models import BeatArea
from liaison.cards import services as cards_services
from liaison.cards.models import CardKind, CardMember, CardVehicle, LiaisonCard
from liaison.guidance import services as guidance_services
from liaison.guidance.models import OfficerNote
from liaison.handouts import services as handout_services
from liaison.handouts.models import CardHandout
from liaison.instructions import services as instructions_services
from liaison.instructions.models import StationInstruction
from liaison.night import services as night_services
from liaison.night.models import NightVisitRequest
from liaison.planning import services as planning_services
from liaison.planning.models import MonthlyPlan, VisitPolicy
from liaison.visits import services as visits_services
from liaison.visits.models import Visit, VisitOutcome
from network.members import services as member_services
from network.members.models import CommunityGroup, FoundOccasion, GroupKind, LiaisonMember
from tests.html import by_role, soup, text
from tests.liaison.conftest import HOUSEHOLD_DATA, book_of

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "liaison", "network", "alerts")
ASCII_LETTER = re.compile(r"[A-Za-z]")
# Columns simple-history adds to every history table: never listed as a change (the page's
# own headings say 日時・変更した職員・理由).
BOOKKEEPING = {"history_id", "history_date", "history_change_reason", "history_type"}
BOOKKEEPING |= {"history_user", "history_relation"}


def tracked_models() -> list[type]:
    return sorted(
        (
            m
            for m in apps.get_models()
            if getattr(m._meta, "simple_history_manager_attribute", None)
            and not m.__name__.startswith("Historical")
        ),
        key=lambda m: m._meta.label,
    )


def test_the_tracked_models_are_these():
    """A new tracked model fails here until the rendering test below changes it too."""
    assert set(tracked_models()) == {
        User,
        Appointment,
        BeatAssignment,
        LiaisonCard,
        CardMember,
        CardVehicle,
        NightVisitRequest,
        Visit,
        VisitPolicy,
        MonthlyPlan,
        StationInstruction,
        CardHandout,
        OfficerNote,
        BeatArea,
        LiaisonMember,
        CommunityGroup,
        Alert,
        Category,
    }


def test_every_field_and_choice_has_a_japanese_label():
    """Every field of our models is labelled in Japanese, and every choice too: a page
    shows the label, never the column's name. Those a history shows (the tracked models and
    their history tables) have no ASCII letter at all; elsewhere an established acronym may
    stay inside a Japanese label (対象ID, SHA-256 on the audit's technical pages)."""
    english = []
    shown = {*tracked_models(), *(m.history.model for m in tracked_models())}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or "ObjectPermission" in model.__name__:
            continue  # guardian's permission rows: never shown, their fields are guardian's
        if model.__name__.startswith("Historical") and model not in shown:
            continue  # simple-history's table of a many-to-many field: never listed
        for f in model._meta.concrete_fields:
            if f.name == "id" or f.name in BOOKKEEPING:
                continue  # the primary key (and a history table's copy of it): never listed
            label = str(f.verbose_name)
            not_japanese = label.isascii() or (model in shown and ASCII_LETTER.search(label))
            if not_japanese:
                english.append(f"{model._meta.label}.{f.name}: {label}")
            for value, choice in f.flatchoices:
                if ASCII_LETTER.search(str(choice)):
                    english.append(f"{model._meta.label}.{f.name}={value}: {choice}")
    assert english == []


def test_every_tracked_model_is_in_the_audits_change_history():
    """The person page shows accounts (User); every other tracked model is a source of the
    audit's change history."""
    sources = {s.model for s in registry.history_sources()}
    assert set(tracked_models()) - sources == {User}


# --- Rendering every tracked model's history after a change --------------------------------


JAPANESE_NAMES = ["青木 一郎", "石井 二郎", "上田 三郎", "江藤 四郎", "大野 五郎", "加藤 六郎"]


def japanese_names(world) -> None:
    """The personas' names are part ASCII (beat_officer 職員): a changed officer or
    decider shows by name, so they get Japanese names here."""
    for index, person in enumerate(world.people.values()):
        person.full_name = f"{JAPANESE_NAMES[index % len(JAPANESE_NAMES)]}{index}"
        # As if they had been made so: a saved rename would be a change line of its own.
        User.objects.filter(pk=person.pk).update(full_name=person.full_name)
        User.history.filter(id=person.pk).update(full_name=person.full_name)


def change_lines(page: str) -> list[str]:
    """The text of every change line (項目：変更前 → 変更後) of a rendered history: the list
    items in its table."""
    return [text(item) for cell in soup(page).find_all("td") for item in cell.find_all("li")]


def person_change_lines(page: str) -> list[str]:
    section = by_role(page, "region", "変更履歴")
    return [text(item) for item in section.find_all("li")]


def english_in(lines: list[str]) -> list[str]:
    return [line for line in lines if ASCII_LETTER.search(line)]


def alert_and_category(world, preset: str) -> tuple[Alert, Category]:
    """An alert drafted, changed and reported by station A's 作成者, and a category HQ's
    運用総括管理者 changed: through their services."""
    categories = {c.code: c for c in category_defaults.install(world.hq, preset)}
    presets.load(preset)
    category = categories["suspicious" if preset == "gunma" else "useful"]
    category = category_services.category_update(
        actor=world.alert_hq_approver,
        category=category,
        version=category.version,
        name=f"{category.name}（改）",
        is_urgent=True,
        reason="運用要領の改正",
    )
    alert = alert_services.alert_create(
        actor=world.alert_author,
        category=category,
        scope=Scope.STATION,
        title="不審者の声かけ",
        body="下校中の児童が声をかけられました。",
        area_stations=[world.station_a],
    )
    alert = alert_services.alert_update(
        actor=world.alert_author,
        alert=alert,
        version=alert.version,
        place="中央市中央町1丁目",
        place_kind="road",
        advice="登下校時は複数で行動しましょう。",
    )
    alert = alert_services.alert_submit(
        actor=world.alert_author, alert=alert, version=alert.version
    )
    return alert, category


@pytest.fixture
def changed(world, settings):
    """One object of every tracked model, made and then changed through the services."""
    japanese_names(world)
    today = timezone.localdate()
    card = cards_services.card_create(
        actor=world.beat_officer,
        kind=CardKind.HOUSEHOLD,
        book=book_of(world.beat_a1_1),
        data=HOUSEHOLD_DATA,
        members=[
            {"name": "水戸 太郎", "kana": "ミト タロウ", "relationship": "head"},
            {"name": "水戸 花子", "kana": "ミト ハナコ", "relationship": "spouse"},
        ],
        vehicles=[{"kind": "普通乗用車", "color": "白", "plate": "水戸 500 あ 12-34"}],
        # Made before the visit recorded below (a visit never precedes its card).
        made_at=timezone.now() - dt.timedelta(days=3),
    )
    members = list(card.members.order_by("position"))
    vehicle = card.vehicles.get()
    card = cards_services.card_update(
        actor=world.beat_officer,
        card=card,
        version=card.version,
        data={
            "postal_code": "3100853",
            "residence_type": "rented_flat",
            "moved_in_on": dt.date(2020, 4, 1),
            "care_elderly_only": True,
            "declined": ["phone"],
            "phone": "",
        },
        members=[
            {
                "id": members[0].pk,
                "name": "水戸 太郎",
                "kana": "ミト タロウ",
                "relationship": "head",
                "birth_date": dt.date(1960, 5, 1),
            },
            {
                "id": members[1].pk,
                "name": "水戸 花子",
                "kana": "ミト ハナコ",
                "relationship": "spouse",
                "declined": ["birth_date"],
            },
        ],
        vehicles=[
            {
                "id": vehicle.pk,
                "kind": "普通乗用車",
                "color": "黒",
                "plate": "水戸 500 あ 12-34",
            }
        ],
        reason="転居の届出による補正",
    )
    started = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10, 0)))
    visit = visits_services.visit_record(
        actor=world.beat_officer,
        card=card,
        started_at=started,
        ended_at=started + dt.timedelta(minutes=15),
        outcome=VisitOutcome.MET,
        topics=["topic_trends"],
        concerns="夜間の騒音",
        follow_up_department="community",
        follow_up_note="生活安全課へ連絡",
    )
    visit = visits_services.visit_follow_up_done(actor=world.chief, visit=visit, note="対応した")
    night = night_services.night_request_create(
        actor=world.beat_officer,
        date=today + dt.timedelta(days=2),
        planned_start=dt.time(18, 0),
        planned_end=dt.time(19, 30),
        reason="昼間不在の世帯を訪問するため",
        beats=[world.beat_a1_1],
    )
    night = night_services.night_request_decide(
        actor=world.chief, night=night, approve=True, comment="承認します"
    )
    policy = planning_services.visit_policy_set(
        actor=world.regional_director, headquarters=world.hq, reason="当初の設定"
    )
    policy = planning_services.visit_policy_set(
        actor=world.regional_director,
        headquarters=world.hq,
        reason="高齢者の周期を短く",
        default_cycle_days=365,
        elderly_alone_cycle_days=180,
        count_apartments=True,
    )
    month = today.replace(day=1)
    planning_services.monthly_plan_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        month=month,
        planned_households=20,
        areas="笠原町",
    )
    plan = planning_services.monthly_plan_set(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        month=month,
        planned_households=30,
        areas="笠原町・千波町",
    )
    instruction = instructions_services.station_instruction_issue(
        actor=world.station_manager,
        station=world.station_a,
        action="exclude",
        reason="工事で立入りできない区域",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        areas=["笠原町一丁目"],
    )
    instruction = instructions_services.station_instruction_end(
        actor=world.station_manager, instruction=instruction
    )
    handout = handout_services.handout_record(
        actor=world.beat_officer,
        book=book_of(world.beat_a1_1),
        handed_on=today,
        town="笠原町",
        banchi="5-5",
        resident_name="水戸 次郎",
    )
    handout = handout_services.handout_give_up(
        actor=world.beat_officer, handout=handout, reason="転居したため回収できない"
    )
    note = guidance_services.officer_note_add(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        kind="guidance",
        body="高齢者世帯の訪問を優先すること",
    )
    area_services.beat_areas_set(
        actor=world.chief, beat=world.beat_a1_1, text="笠原町\n千波町一丁目"
    )
    area_services.beat_areas_set(
        actor=world.chief, beat=world.beat_a1_1, text="笠原町\n千波町二丁目", reason="境界の変更"
    )
    area = BeatArea.history.filter(town="笠原町").latest("history_date").instance
    appointment = Appointment.objects.filter(user=world.staff).get()
    account_services.appointment_end(
        actor=world.overall_manager, appointment=appointment, ends_on=today, reason="人事異動"
    )
    assignment = BeatAssignment.objects.filter(officer=world.other_officer).get()
    account_services.beat_assignment_end(
        actor=world.overall_manager, assignment=assignment, ends_on=today, reason="配置換え"
    )
    account_services.user_disable(actor=world.overall_manager, user=world.no_role, reason="退職")
    group = member_services.group_create(
        actor=world.chief,
        station=world.station_a,
        kind=GroupKind.NEIGHBOURHOOD,
        name="笠原町自治会",
        municipality="水戸市",
    )
    group = member_services.group_update(actor=world.chief, group=group, area="笠原町一丁目")
    member = member_services.member_report(
        actor=world.supervisor,
        station=world.station_a,
        name="笠原 一子",
        name_kana="カサハラ カズコ",
        found_on=today,
        found_occasion=FoundOccasion.CAMPAIGN,
        postal_code="3100852",
        groups=[(group, "会長")],
    )
    member = member_services.member_update(
        actor=world.chief,
        member=member,
        version=member.version,
        groups=[(group, "会長")],
        postal_code="3100853",
        # An address is ASCII by nature: the change shown here is the channel's label.
        channel="mail",
    )
    alert, category = alert_and_category(world, settings.ALERTS_PRESET)
    return {
        "alert": alert,
        "category": category,
        "card": card,
        "member": members[0],
        "vehicle": vehicle,
        "visit": visit,
        "night_request": night,
        "visit_policy": policy,
        "monthly_plan": plan,
        "station_instruction": instruction,
        "handout": handout,
        "officer_note": note,
        "beat_area": area,
        "appointment": appointment,
        "beat_assignment": assignment,
        "liaison_member": member,
        "community_group": group,
    }


def auditor_who_sees_values(world):
    """An auditor also appointed 管理主任者 of station A (the card's values are shown) and
    its 運用責任者 (the alert's)."""
    for role in (Role.CHIEF, Role.ALERT_REVIEWER):
        account_services.appointment_start(
            actor=None,
            user=world.auditor,
            role=role,
            unit=world.station_a,
            starts_on=timezone.localdate() - dt.timedelta(days=1),
        )
    return world.auditor


def test_the_audit_shows_every_tracked_models_history_in_japanese(world, login, changed):
    client = login(auditor_who_sees_values(world))
    audited = {s.model: s.key for s in registry.history_sources()}
    assert set(audited.values()) == set(changed)
    for key, obj in changed.items():
        page = client.get(reverse("accounts:audit_history_object", args=[key, obj.pk]))
        assert page.status_code == 200, key
        lines = change_lines(page.content.decode())
        assert len(lines) >= 2, (key, lines)  # a creation and a change, with values
        assert english_in(lines) == [], key
    listing = client.get(reverse("accounts:audit_history_list")).content.decode()
    assert english_in(change_lines(listing)) == []


def test_the_values_read_as_an_officer_writes_them(world, login, changed):
    """Postal codes as 〒310-0853, dates unpadded, choices and fields by their labels, a
    revoked grant in Tokyo time."""
    client = login(auditor_who_sees_values(world))
    card = client.get(reverse("accounts:audit_history_object", args=["card", changed["card"].pk]))
    lines = change_lines(card.content.decode())
    assert "郵便番号：〒310-0852 → 〒310-0853" in lines
    assert "入居年月日：（なし） → 2020年4月1日" in lines
    assert "居住形態：持家（一戸建） → 賃貸アパート・マンション" in lines
    assert "回答拒否の項目：（なし） → 電話番号" in lines
    assignment = changed["beat_assignment"]
    page = client.get(
        reverse("accounts:audit_history_object", args=["beat_assignment", assignment.pk])
    )
    revoked = dates_of(change_lines(page.content.decode()), "権限取消日時")
    assert revoked == [f"（なし） → {_tokyo(assignment.revoked_at)}"]
    plan = client.get(
        reverse("accounts:audit_history_object", args=["monthly_plan", changed["monthly_plan"].pk])
    )
    month = changed["monthly_plan"].month
    assert f"月：{month.year}年{month.month}月" in change_lines(plan.content.decode())


def dates_of(lines: list[str], label: str) -> list[str]:
    return [line.split("：", 1)[1] for line in lines if line.startswith(f"{label}：")]


def _tokyo(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_the_card_page_history_is_in_japanese(world, login, changed):
    page = login(world.beat_officer).get(
        reverse("liaison:card_history", kwargs={"pk": changed["card"].pk})
    )
    lines = change_lines(page.content.decode())
    assert "郵便番号：〒310-0852 → 〒310-0853" in lines
    assert any(line.startswith("生年月日：") for line in lines)  # a member's change
    assert any(line.startswith("色：") for line in lines)  # a vehicle's change
    assert english_in(lines) == []


def test_the_person_page_history_is_in_japanese(world, login, changed):
    """Accounts, appointments and beat assignments on the person page of the HQ manager."""
    client = login(world.overall_manager)
    for person in (world.staff, world.other_officer, world.no_role):
        page = client.get(reverse("accounts:user_detail", kwargs={"pk": person.pk}))
        lines = person_change_lines(page.content.decode())
        assert lines, person
        assert english_in(lines) == [], person
    page = client.get(reverse("accounts:user_detail", kwargs={"pk": world.other_officer.pk}))
    lines = person_change_lines(page.content.decode())
    assert any(line.startswith("権限取消日時：") for line in lines)
