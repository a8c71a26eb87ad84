"""発信操作担当者の指定 (seed 003 6⑴: 生活安全企画課長は…生活安全企画課員の中から、本システムの
情報発信操作を担当する者を指定し): the 課長 designates one of his division's people, who then
holds the sender desk and sends a kagoshima alert; ending the designation ends his sending
at once; nobody else designates; a person not of the division, the 課長 himself, or one
designated already is refused at the field. The kagoshima preset runs here (the one whose
sender the 生活安全企画課 designates)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts import services as accounts_services
from accounts.exceptions import DomainError, PermissionDenied, TransitionError
from accounts.models import Appointment, Role, User
from accounts.navigation import nav_for
from accounts.utils.dates import date_ja
from alerts.drafts import policy as alert_policy
from alerts.drafts import selectors as alert_selectors
from alerts.drafts import services as alert_services
from alerts.drafts.models import AlertStatus
from alerts.operators import services
from tests.alerts.conftest import OFFICE_MORNING
from tests.factories import UserFactory
from tests.html import by_role, field_error, link, rows, text

pytestmark = pytest.mark.django_db

LIST = reverse("alerts:operator_list")
DESIGNATE = reverse("alerts:operator_designate")
MENU = "発信操作担当者の指定"


@pytest.fixture(autouse=True)
def _kagoshima(settings):
    """Before alert_world is built: it lays the preset's categories and chain."""
    settings.ALERTS_PRESET = "kagoshima"


def end_url(appointment: Appointment) -> str:
    return reverse("alerts:operator_end", kwargs={"pk": appointment.pk})


def fresh(user: User) -> User:
    """The person as a new request sees him (his appointments are read once per object)."""
    return User.objects.get(pk=user.pk)


def sender_desk(alert_world) -> permissions.Desk:
    return permissions.Desk(Role.ALERT_SENDER, division_id=alert_world.divisions["seian-kikaku"].pk)


def today() -> str:
    return timezone.localdate().isoformat()


def designate(alert_world, person: User, **fields) -> Appointment:
    return services.operator_designate(
        actor=alert_world.seian_approver,
        user=person,
        starts_on=fields.pop("starts_on", timezone.localdate()),
        **fields,
    )


def designations(person: User) -> list[Appointment]:
    return list(Appointment.objects.filter(user=person, role=Role.ALERT_SENDER))


def at_the_send_step(alert_world, make_draft):
    """A station's 脅威事犯 draft, judged by its 署長 and approved by the HQ 係: it waits at
    the 生活安全企画課's 発信操作."""
    alert = make_draft("threat")
    alert = alert_services.alert_submit(
        actor=alert.author, alert=alert, version=alert.version, now=OFFICE_MORNING
    )
    for approver in (alert_world.alert_approver, alert_world.seian_approver):
        alert = alert_services.alert_approve(
            actor=approver, alert=alert, step=alert_policy.current_step(alert), now=OFFICE_MORNING
        )
    assert alert_policy.current_step(alert).label == "発信操作"
    return alert


def send(person: User, alert):
    return alert_services.alert_send(
        actor=person,
        alert=alert,
        confirmed=True,
        recipient_count=alert_selectors.recipient_count(alert),
        now=OFFICE_MORNING,
    )


# --- Designating ------------------------------------------------------------------------------
def test_the_section_chief_sees_his_people_and_who_is_designated(alert_world, login):
    page = login(alert_world.seian_approver).get(LIST)
    assert page.status_code == 200
    designated = rows(by_role(page, "region", "発信操作担当者の一覧"))
    assert designated[1][:2] == ["seian_sender 職員", alert_world.seian_sender.employee_number]
    assert "指定中" in designated[1]
    people = rows(by_role(page, "region", "指定できる職員の一覧"))
    # His staff as the system knows them; not the one designated already, not himself.
    assert sorted(r[0] for r in people[1:]) == ["seian_author 職員", "seian_reviewer 職員"]
    assert ["seian_author 職員", alert_world.seian_author.employee_number, "作成者"] in people
    assert "本人の職員番号とパスワードでサインイン" in text(page)
    assert link(page, "発信操作担当者を指定する")["href"] == DESIGNATE


def test_a_designee_holds_the_sender_desk_and_sends_a_kagoshima_alert(
    alert_world, make_draft, login
):
    author = alert_world.seian_author
    assert sender_desk(alert_world) not in permissions.alert_desks(fresh(author))
    client = login(alert_world.seian_approver)
    form = client.get(DESIGNATE)
    assert form.status_code == 200
    response = client.post(DESIGNATE, {"user": author.pk, "starts_on": today(), "note": ""})
    assert response.status_code == 302 and response["Location"] == LIST

    (appointment,) = designations(author)
    assert (appointment.headquarters, appointment.division) == (
        alert_world.hq,
        alert_world.divisions["seian-kikaku"],
    )
    assert appointment.is_active and appointment.note == "生活安全企画課長による指定"
    assert sender_desk(alert_world) in permissions.alert_desks(fresh(author))

    alert = at_the_send_step(alert_world, make_draft)
    assert alert_policy.may_decide(fresh(author), alert_policy.current_step(alert))
    alert = send(fresh(author), alert)
    assert alert.status == AlertStatus.SCHEDULED
    assert alert.decisions.latest("pk").user == author

    listed = rows(by_role(client.get(LIST), "region", "発信操作担当者の一覧"))
    assert any(
        r[:2] == ["seian_author 職員", author.employee_number] and "指定中" in r for r in listed
    )


def test_a_designation_from_a_later_day_gives_nothing_today(alert_world):
    later = timezone.localdate() + dt.timedelta(days=3)
    appointment = designate(alert_world, alert_world.seian_reviewer, starts_on=later)
    assert not appointment.is_active
    assert sender_desk(alert_world) not in permissions.alert_desks(
        fresh(alert_world.seian_reviewer)
    )
    with pytest.raises(TransitionError, match="終了できるのはその日からです"):
        services.operator_end(
            actor=alert_world.seian_approver, appointment=appointment, reason="誤り"
        )


def test_the_start_cannot_be_put_in_the_past(alert_world, login):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = login(alert_world.seian_approver).post(
        DESIGNATE, {"user": alert_world.seian_author.pk, "starts_on": yesterday}
    )
    assert page.status_code == 200
    assert "今日以降の日付にしてください" in field_error(page, "指定日")
    assert designations(alert_world.seian_author) == []


# --- Ending -----------------------------------------------------------------------------------
def test_ending_a_designation_ends_his_sending_at_once(alert_world, make_draft, login, client):
    author = alert_world.seian_author
    appointment = designate(alert_world, author)
    alert = at_the_send_step(alert_world, make_draft)

    # He is signed in when the 課長 ends it.
    login(author)
    assert client.get(reverse("accounts:home")).status_code == 200
    services.operator_end(
        actor=alert_world.seian_approver, appointment=appointment, reason="人事異動"
    )
    assert client.get(reverse("accounts:home")).status_code == 302  # signed out

    assert sender_desk(alert_world) not in permissions.alert_desks(fresh(author))
    assert not alert_policy.may_decide(fresh(author), alert_policy.current_step(alert))
    with pytest.raises(PermissionDenied):
        send(fresh(author), alert)
    appointment.refresh_from_db()
    assert not appointment.is_active and appointment.ends_on == timezone.localdate()


def test_the_section_chief_ends_it_from_the_list_with_a_reason(alert_world, login):
    appointment = designate(alert_world, alert_world.seian_author)
    client = login(alert_world.seian_approver)
    confirm = client.get(end_url(appointment))
    assert confirm.status_code == 200
    assert "すぐに発信操作ができなくなり" in text(confirm)

    refused = client.post(end_url(appointment), {"reason": ""})
    assert "終了の理由を入力してください" in field_error(refused, "終了の理由")
    assert fresh(alert_world.seian_author).appointments.get(pk=appointment.pk).is_active

    done = client.post(end_url(appointment), {"reason": "担当の交代"})
    assert done.status_code == 302 and done["Location"] == LIST
    page = client.get(LIST)
    listed = rows(by_role(page, "region", "発信操作担当者の一覧"))
    ended = next(r for r in listed if r[0] == "seian_author 職員")
    assert ended[3:5] == [date_ja(timezone.localdate()), "終了"]
    # He is of the division still, so he may be designated again.
    people = rows(by_role(page, "region", "指定できる職員の一覧"))
    assert "seian_author 職員" in [r[0] for r in people]
    with pytest.raises(TransitionError, match="すでに終了"):
        services.operator_end(
            actor=alert_world.seian_approver, appointment=appointment, reason="二度目"
        )


def test_the_last_sender_ending_is_said_to_leave_alerts_waiting(alert_world, login):
    only_one = Appointment.objects.get(user=alert_world.seian_sender, role=Role.ALERT_SENDER)
    page = login(alert_world.seian_approver).get(end_url(only_one))
    assert "新しく指定するまで発信されません" in text(page)
    designate(alert_world, alert_world.seian_author)
    page = login(alert_world.seian_approver).get(end_url(only_one))
    assert "新しく指定するまで発信されません" not in text(page)


def test_another_appointment_is_not_found(alert_world, login):
    client = login(alert_world.seian_approver)
    others = [
        # His staff's other appointment, another division's sender, a station's sender.
        Appointment.objects.get(user=alert_world.seian_author, role=Role.ALERT_AUTHOR),
        Appointment.objects.get(user=alert_world.sosa_sender),
        Appointment.objects.get(user=alert_world.alert_sender),
    ]
    for appointment in others:
        assert client.get(end_url(appointment)).status_code == 404
        assert client.post(end_url(appointment), {"reason": "誤り"}).status_code == 404
        assert Appointment.objects.get(pk=appointment.pk).is_active
    with pytest.raises(PermissionDenied):
        services.operator_end(
            actor=alert_world.seian_approver, appointment=others[1], reason="誤り"
        )


# --- Refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "persona",
    [
        "jinshin_approver",  # another division's 課長
        "duty_officer",  # the 総合当直
        "alert_approver",  # a station's 署長
        "alert_author",  # a station's person
        "seian_reviewer",  # the 課長's own 次席
        "seian_sender",
        "alert_hq_approver",
        "overall_manager",
        "no_role",
    ],
)
def test_nobody_but_the_section_chief_designates(alert_world, login, persona):
    person = getattr(alert_world, persona)
    designated = Appointment.objects.get(user=alert_world.seian_sender, role=Role.ALERT_SENDER)
    client = login(person)
    assert client.get(LIST).status_code == 403
    assert client.get(DESIGNATE).status_code == 403
    posted = {"user": alert_world.seian_author.pk, "starts_on": today()}
    assert client.post(DESIGNATE, posted).status_code == 403
    assert client.get(end_url(designated)).status_code == 403
    assert client.post(end_url(designated), {"reason": "誤り"}).status_code == 403
    assert designations(alert_world.seian_author) == []
    assert Appointment.objects.get(pk=designated.pk).is_active
    assert MENU not in [entry["label"] for entry in nav_for(fresh(person))]
    with pytest.raises(PermissionDenied):
        services.operator_designate(
            actor=person, user=alert_world.seian_author, starts_on=timezone.localdate()
        )


def test_the_menu_offers_it_to_the_section_chief(alert_world):
    entries = {e["label"]: e["url"] for e in nav_for(fresh(alert_world.seian_approver))}
    assert entries[MENU] == LIST


def test_signing_in_comes_first(alert_world, client):
    for url in (LIST, DESIGNATE):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    "persona",
    [
        "author_b",  # a station's 作成者
        "sosa_sender",  # another HQ division's person
        "jinshin_approver",
        "no_role",  # no appointment at all
    ],
)
def test_a_person_not_of_the_division_is_refused_at_the_field(alert_world, login, persona):
    person = getattr(alert_world, persona)
    page = login(alert_world.seian_approver).post(
        DESIGNATE, {"user": person.pk, "starts_on": today()}
    )
    assert page.status_code == 200
    assert "生活安全企画課の職員ではありません" in field_error(page, "指定する職員")
    assert not Appointment.objects.filter(
        user=person, role=Role.ALERT_SENDER, division=alert_world.divisions["seian-kikaku"]
    ).exists()


def test_one_designated_already_is_refused_at_the_field(alert_world, login):
    designate(alert_world, alert_world.seian_author)
    client = login(alert_world.seian_approver)
    for person in (alert_world.seian_author, alert_world.seian_sender):
        page = client.post(DESIGNATE, {"user": person.pk, "starts_on": today()})
        assert "すでに生活安全企画課の発信操作担当者に指定されています" in field_error(
            page, "指定する職員"
        )
        assert len(designations(person)) == 1
    with pytest.raises(DomainError) as twice:
        designate(alert_world, alert_world.seian_author)
    assert twice.value.field == "user"


def test_the_section_chief_does_not_designate_himself(alert_world, login):
    chief = alert_world.seian_approver
    page = login(chief).post(DESIGNATE, {"user": chief.pk, "starts_on": today()})
    assert "ご自身は指定できません" in field_error(page, "指定する職員")
    assert designations(chief) == []


def test_an_unknown_person_is_refused_at_the_field(alert_world, login):
    client = login(alert_world.seian_approver)
    for value in ("999999999", "9" * 30, "abc", "²"):
        page = client.post(DESIGNATE, {"user": value, "starts_on": today()})
        assert page.status_code == 200
        assert "一覧から選んでください" in field_error(page, "指定する職員")


def test_an_inactive_person_is_refused(alert_world):
    person = alert_world.seian_reviewer
    User.objects.filter(pk=person.pk).update(is_active=False)
    with pytest.raises(DomainError) as refused:
        designate(alert_world, fresh(person))
    assert refused.value.field == "user"


# --- The list's cost --------------------------------------------------------------------------
def test_the_list_costs_the_same_however_many_designations(alert_world, login):
    client = login(alert_world.seian_approver)
    client.get(LIST)  # the first page of a session reads the grants and stamps the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    division = alert_world.divisions["seian-kikaku"]
    for index in range(4):
        person = UserFactory(employee_number=f"{300001 + index}")
        accounts_appointment(alert_world, person, division)
        appointment = designate(alert_world, person)
        if index % 2:
            services.operator_end(
                actor=fresh(alert_world.seian_approver), appointment=appointment, reason="交代"
            )
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST)
    assert len(rows(by_role(page, "region", "発信操作担当者の一覧"))) == 1 + 5
    assert len(many) == len(few)


def accounts_appointment(alert_world, person: User, division) -> None:
    """A new member of the division's staff (HQ appoints him, as 作成者)."""
    accounts_services.appointment_start(
        actor=None,
        user=person,
        role=Role.ALERT_AUTHOR,
        unit=alert_world.hq,
        division=division,
        starts_on=timezone.localdate(),
    )
