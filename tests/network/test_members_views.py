"""The roster's pages as people use them: the station boundary, HQ reviewers kept out of
the names, access events, exports' content, the duplicate confirmation and the stale edit."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessEvent
from network.members import services
from network.members.models import FoundOccasion, LiaisonMember, MemberStatus

pytestmark = pytest.mark.django_db


def make(world, station="a", name="高橋 一郎", kana="タカハシ イチロウ", active=True, **extra):
    actor = world.chief if station == "a" else world.other_officer
    member = services.member_report(
        actor=actor,
        station=world.station_a if station == "a" else world.station_b,
        name=name,
        name_kana=kana,
        found_on=timezone.localdate() - dt.timedelta(days=5),
        found_occasion=FoundOccasion.PATROL,
        confirm_distinct=True,
        **extra,
    )
    if active:
        member = services.member_consent(
            actor=actor, member=member, consented_on=timezone.localdate()
        )
    return member


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_every_department_of_the_station_reads_the_roster(world, login):
    make(world, phone="090-1111-2222")
    client = login(world.staff)
    response = client.get(reverse("network:member_list"))
    assert response.status_code == 200
    assert "高橋 一郎" in body(response)
    assert "1件" in body(response)
    event = AccessEvent.objects.filter(object_type="network.roster").latest("pk")
    assert event.action == AccessEvent.Action.LIST
    assert event.record_count == 1
    assert event.object_id == str(world.station_a.pk)


def test_candidates_are_not_on_the_default_roster(world, login):
    make(world, active=False)
    response = login(world.chief).get(reverse("network:member_list"))
    assert "該当する連絡員はいません" in body(response)
    response = login(world.chief).get(reverse("network:member_list") + "?status=candidate")
    assert "高橋 一郎" in body(response)


def test_a_search_on_the_folded_name_is_logged_as_a_search(world, login):
    make(world)
    make(world, name="佐藤 花子", kana="サトウ ハナコ")
    response = login(world.chief).get(reverse("network:member_list") + "?q=髙橋")
    text = body(response)
    assert "高橋 一郎" in text and "佐藤 花子" not in text
    event = AccessEvent.objects.filter(object_type="network.roster").latest("pk")
    assert event.action == AccessEvent.Action.SEARCH
    assert "髙橋" not in event.summary  # a search term is personal data: not logged


def test_another_stations_member_is_404(world, login):
    other = make(world, station="b", name="北 太郎", kana="キタ タロウ")
    client = login(world.chief)
    for name in ("network:member_detail", "network:member_edit", "network:member_ask"):
        assert client.get(reverse(name, kwargs={"pk": other.pk})).status_code == 404
    assert "北 太郎" not in body(client.get(reverse("network:member_list") + "?status=all"))


def test_hq_reviewers_do_not_read_the_roster(world, login):
    member = make(world)
    for persona in ("overall_manager", "regional_director"):
        client = login(world.people[persona])
        assert client.get(reverse("network:member_list")).status_code == 403
        assert client.get(reverse("network:roster_export")).status_code == 403
        detail = reverse("network:member_detail", kwargs={"pk": member.pk})
        assert client.get(detail).status_code == 404


def test_a_members_page_is_an_access_event_with_the_contact_count(world, login):
    member = make(world)
    services.member_ask  # noqa: B018 - the count of asks is read from the steps
    response = login(world.staff).get(reverse("network:member_detail", kwargs={"pk": member.pk}))
    text = body(response)
    assert "この12か月に警察が連絡した回数" in text
    event = AccessEvent.objects.filter(object_type="network.liaisonmember").latest("pk")
    assert (event.action, event.object_id) == (AccessEvent.Action.VIEW, str(member.pk))
    # Other departments read; they have no step buttons.
    assert reverse("network:member_withdraw", kwargs={"pk": member.pk}) not in text


def test_the_keeper_sees_the_steps_the_state_allows(world, login):
    member = make(world)
    text = body(login(world.chief).get(reverse("network:member_detail", kwargs={"pk": member.pk})))
    assert reverse("network:member_withdraw", kwargs={"pk": member.pk}) in text
    assert reverse("network:member_consent", kwargs={"pk": member.pk}) not in text


def test_the_report_form_shows_a_duplicate_and_needs_the_confirmation(world, login):
    existing = make(world)
    client = login(world.staff)
    data = {
        "name": "髙橋 一郎",
        "name_kana": "タカハシ イチロウ",
        "channel": "in_person",
        "found_on": timezone.localdate().isoformat(),
        "found_occasion": "campaign",
    }
    response = client.post(reverse("network:member_report"), data)
    assert response.status_code == 200
    text = body(response)
    assert "同じ方が登録されている可能性があります" in text
    assert reverse("network:member_detail", kwargs={"pk": existing.pk}) in text
    assert LiaisonMember.objects.count() == 1
    response = client.post(reverse("network:member_report"), {**data, "confirm_distinct": "on"})
    assert response.status_code == 302
    assert LiaisonMember.objects.count() == 2
    made = LiaisonMember.objects.latest("pk")
    assert made.found_by == world.staff and made.status == MemberStatus.CANDIDATE


def test_withdraw_needs_the_confirmation_box(world, login):
    member = make(world)
    url = reverse("network:member_withdraw", kwargs={"pk": member.pk})
    client = login(world.chief)
    today = timezone.localdate().isoformat()
    response = client.post(url, {"withdrawn_on": today})
    assert "確認のチェックを入れてください" in body(response)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert client.post(url, {"withdrawn_on": today, "confirm": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.WITHDRAWN


def test_re_ask_without_a_new_reason_is_said_at_the_field(world, login):
    member = make(world, active=False)
    services.member_decline(actor=world.chief, member=member, reason="多忙")
    client = login(world.chief)
    url = reverse("network:member_ask", kwargs={"pk": member.pk})
    response = client.post(url, {"on": timezone.localdate().isoformat(), "reason": ""})
    assert "新しい理由" in body(response)
    member.refresh_from_db()
    assert member.status == MemberStatus.DECLINED
    why = client.get(reverse("network:member_reask_rule", kwargs={"pk": member.pk}))
    assert "無理強いしない" in body(why)


def test_a_stale_edit_is_refused_with_the_input_kept(world, login):
    member = make(world)
    url = reverse("network:member_edit", kwargs={"pk": member.pk})
    data = {
        "name": "高橋 一郎",
        "name_kana": "タカハシ イチロウ",
        "channel": "mail",
        "version": str(member.version),
    }
    assert login(world.supervisor).post(url, data).status_code == 302
    response = login(world.chief).post(url, {**data, "address": "中央町9-9"})
    assert response.status_code == 409
    assert "他の職員が保存しました" in body(response)
    assert "中央町9-9" in body(response)
    member.refresh_from_db()
    assert member.address == ""


def test_the_keeper_names_the_officer_in_charge_of_the_station(world, login):
    member = make(world)
    url = reverse("network:member_edit", kwargs={"pk": member.pk})
    client = login(world.chief)
    form = body(client.get(url))
    assert "担当警察官" in form and world.beat_officer.full_name in form
    assert world.other_officer.full_name not in form  # another station's officer
    data = {
        "name": "高橋 一郎",
        "name_kana": "タカハシ イチロウ",
        "channel": "mail",
        "version": str(member.version),
    }
    refused = client.post(url, {**data, "officer": str(world.other_officer.pk)})
    assert refused.status_code == 200
    assert "担当警察官を一覧から選んでください。" in body(refused)
    assert client.post(url, {**data, "officer": str(world.beat_officer.pk)}).status_code == 302
    member.refresh_from_db()
    assert member.officer == world.beat_officer


def test_exports_carry_the_filtered_roster_and_are_logged(world, login):
    make(world, phone="090-1111-2222", municipality="中央市")
    make(world, name="佐藤 花子", kana="サトウ ハナコ", active=False)
    make(world, station="b", name="北 太郎", kana="キタ タロウ")
    client = login(world.staff)
    response = client.get(reverse("network:roster_export"))
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0][:4] == ["No.", "警察署", "状態", "氏名"]
    assert [r[3] for r in rows[1:]] == ["高橋 一郎"]
    assert rows[1][5] == "090-1111-2222"
    response = client.get(reverse("network:roster_export") + "?format=xlsx&status=all")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["佐藤 花子", "高橋 一郎"]
    exports = AccessEvent.objects.filter(
        object_type="network.roster", action=AccessEvent.Action.EXPORT
    ).order_by("pk")
    assert [e.record_count for e in exports] == [1, 2]


def test_the_print_is_a_pdf_and_logged(world, login):
    make(world)
    response = login(world.chief).get(reverse("network:roster_print"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AccessEvent.objects.filter(object_type="network.roster").latest("pk")
    assert (event.action, event.record_count) == (AccessEvent.Action.PRINT, 1)


def test_the_keepers_home_shows_candidates_waiting(world, login):
    make(world, active=False)
    text = body(login(world.chief).get(reverse("accounts:home")))
    assert "連絡員の候補者（依頼待ち）" in text and "高橋 一郎" in text
    assert "連絡員の候補者（依頼待ち）" not in body(
        login(world.staff).get(reverse("accounts:home"))
    )


def test_the_found_counts_per_department(world, login):
    make(world)
    make(world, name="佐藤 花子", kana="サトウ ハナコ", active=False)
    text = body(login(world.staff).get(reverse("network:member_list")))
    assert "課ごとの把握の状況" in text
    assert "<td>2</td><td>1</td><td>1</td>" in text


def test_contact_numbers_are_taken_as_officers_write_them(world, login):
    """A postal code with its hyphen and a full-width phone are stored in one form and shown
    as every page shows them (〒310-0852); a phone that is no phone number is said at the field."""
    client = login(world.supervisor)
    form = {
        "name": "郵便 太郎",
        "name_kana": "ゆうびん たろう",
        "found_on": timezone.localdate().isoformat(),
        "found_occasion": "patrol",
        "channel": "paper",
        "postal_code": "310-0852",
        "phone": "０２９−１２３−４５６７",
    }
    refused = client.post(reverse("network:member_report"), {**form, "phone": "12-34"})
    assert refused.status_code == 200
    assert "電話番号は0から始まる10桁または11桁で入力してください" in body(refused)
    assert not LiaisonMember.objects.filter(name="郵便 太郎").exists()
    assert client.post(reverse("network:member_report"), form).status_code == 302
    member = LiaisonMember.objects.get(name="郵便 太郎")
    assert (member.postal_code, member.phone, member.name_kana) == (
        "3100852",
        "029-123-4567",
        "ユウビン タロウ",
    )
    page = body(client.get(reverse("network:member_detail", kwargs={"pk": member.pk})))
    assert "〒310-0852" in page
