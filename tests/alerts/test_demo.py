"""`manage.py seed_demo` for あんしんメール: the HQ desks with their demo logins, the
municipalities, the categories of the preset in force, the chain rows of both presets, a few
subscribers and sample alerts in believable states; a second run changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts import permissions
from accounts.models import Appointment, Division, Municipality, Role, Station, User
from accounts.permissions import Desk
from alerts.categories.defaults import CATEGORIES
from alerts.categories.models import Category
from alerts.chain.models import ChainStep
from alerts.chain.presets import PRESETS
from alerts.drafts.models import Alert, AlertStatus, AlertStep, Decision, StepStatus
from alerts.subscribers.models import Subscriber
from tests.html import by_role, rows, text

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

COUNTED = [
    User,
    Appointment,
    Division,
    Municipality,
    Category,
    Category.history.model,
    ChainStep,
    Subscriber,
    Alert,
    Alert.history.model,
    AlertStep,
    Decision,
]

# (employee number, role, division code or station code) of every alert desk of the demo.
DESKS: list[tuple[str, str, str]] = [
    ("260003", Role.ALERT_HQ_APPROVER, "hq"),
    ("260005", Role.ALERT_APPROVER, "seian-kikaku"),
    ("260006", Role.ALERT_REVIEWER, "seian-kikaku"),
    ("260007", Role.ALERT_SENDER, "seian-kikaku"),
    ("260008", Role.ALERT_AUTHOR, "seian-kikaku"),
    ("260009", Role.ALERT_APPROVER, "jinshin-shonen"),
    ("260010", Role.ALERT_APPROVER, "sosa-ikka"),
    ("260011", Role.ALERT_SENDER, "sosa-ikka"),
    ("260012", Role.ALERT_APPROVER, "kotsu-kikaku"),
    ("260013", Role.ALERT_APPROVER, "sogo-toku"),
    ("260101", Role.ALERT_APPROVER, "101"),
    ("260103", Role.ALERT_REVIEWER, "101"),
    ("260104", Role.ALERT_AUTHOR, "101"),
    ("260105", Role.ALERT_SENDER, "101"),
    ("260003", Role.ALERT_APPROVER, "koho-kocho"),
    ("260014", Role.ALERT_SENDER, "koho-kocho"),
    ("260015", Role.ALERT_APPROVER, "sosa-nika"),
    ("260016", Role.ALERT_SENDER, "sosa-nika"),
    ("260017", Role.ALERT_SENDER, "kotsu-kikaku"),
    ("260018", Role.ALERT_APPROVER, "kotsu-kisei"),
    ("260019", Role.ALERT_SENDER, "kotsu-kisei"),
]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def desk_of(where: str) -> dict[str, int | None]:
    if where == "hq":
        hq = Station.objects.get(code="101").headquarters
        return {"headquarters_id": hq.pk}
    if where.isdigit():
        return {"station_id": Station.objects.get(code=where).pk}
    return {"division_id": Division.objects.get(code=where).pk}


@override_settings(DEMO_MODE=True)
def test_a_second_run_changes_nothing(any_preset):
    seed()
    first = counts()
    assert first["alerts.Category"] == len(CATEGORIES[any_preset])
    assert first["alerts.ChainStep"] == sum(
        len(steps) for preset in PRESETS.values() for steps in preset.values()
    )
    assert first["accounts.Municipality"] == 7
    assert first["alerts.Subscriber"] == 3
    assert first["alerts.Alert"] == 5
    seed()
    assert counts() == first


@override_settings(DEMO_MODE=True)
def test_every_demo_login_holds_its_desk_and_is_listed(any_preset):
    output = seed()
    for number, role, where in DESKS:
        user = User.objects.get(employee_number=number)
        assert permissions.holds_desk(user, Desk(role, **desk_of(where))), number
        assert number in output
    for label in (
        "生活安全企画課",
        "総合当直",
        "捜査第一課",
        "交通企画課",
        "人身安全・少年課",
        "広報広聴課",
    ):
        assert label in output
    municipality = Municipality.objects.get(code="082015")
    assert (municipality.name, municipality.station.code) == ("水戸市", "101")


@override_settings(DEMO_MODE=True)
def test_the_sample_alerts_stand_in_believable_states(any_preset):
    seed()
    by_status = {status: Alert.objects.filter(status=status) for status in AlertStatus.values}
    # One went through the whole chain: every step decided, the sender confirmed.
    handed_over = by_status[AlertStatus.SCHEDULED].get()
    assert handed_over.author.employee_number == "260104"
    assert not handed_over.steps.exclude(status=StepStatus.DONE).exists()
    assert handed_over.decisions.filter(action__in=["send", "schedule"]).exists()
    # Two wait in an inbox; one was returned for a park's name; one is still a draft.
    assert by_status[AlertStatus.IN_REVIEW].count() == 2
    drafts = by_status[AlertStatus.DRAFT]
    returned = drafts.get(steps__status=StepStatus.RETURNED)
    assert "公園の名称" in returned.decisions.get(action="return").comment
    assert drafts.exclude(pk=returned.pk).get().steps.count() == 0
    # Nobody decided his own alert.
    for decision in Decision.objects.exclude(action="submit"):
        assert decision.user_id != decision.alert.author_id


@override_settings(DEMO_MODE=True)
def test_the_demo_logins_find_their_pages(login, settings):
    seed()
    keeper = login(User.objects.get(employee_number="260003"))
    page = keeper.get(reverse("alerts:category_list"))
    assert page.status_code == 200
    assert "配信区分を作成する" in page.content.decode()
    duty = login(User.objects.get(employee_number="260013"))
    chain = duty.get(reverse("alerts:chain"))
    assert chain.status_code == 200
    assert (
        "群馬方式" if settings.ALERTS_PRESET == "gunma" else "鹿児島方式"
    ) in chain.content.decode()


@override_settings(DEMO_MODE=True)
def test_the_person_page_shows_the_division_beside_headquarters(login):
    seed()
    manager = login(User.objects.get(employee_number="260001"))
    person = User.objects.get(employee_number="260013")
    page = manager.get(reverse("accounts:user_detail", kwargs={"pk": person.pk}))
    current = rows(by_role(page, "region", "役職の発令"))
    assert ["運用管理者", "茨城県警察本部 総合当直"] in [r[:2] for r in current]
    listing = manager.get(reverse("accounts:user_list"), {"q": "太田"})
    assert "運用管理者（茨城県警察本部 総合当直）" in text(listing)
