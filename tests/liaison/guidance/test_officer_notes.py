"""要領 第3-2(4): on the officer's period page the 地域課長等 records 具体的な指導 and the 署長
(管理責任者) 評価・賞揚; the officer reads them on his own page; both are in the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.audit.history import HistoryFilter, history_list
from accounts.exceptions import PermissionDenied
from accounts.models import Notice
from liaison.guidance import services
from liaison.guidance.models import OfficerNote

pytestmark = pytest.mark.django_db

GUIDANCE = "高齢者世帯の多い千波地区を重点に、夕方の訪問を計画すること。"
COMMENDATION = "一人暮らしの高齢者の見守りで地域から感謝の声が寄せられた。"


def page_url(world, officer=None) -> str:
    officer = officer or world.beat_officer
    return reverse(
        "liaison:officer_figures", kwargs={"pk": world.station_a.pk, "user_pk": officer.pk}
    )


def note_url(world) -> str:
    return reverse(
        "liaison:officer_note_create",
        kwargs={"pk": world.station_a.pk, "user_pk": world.beat_officer.pk},
    )


def test_the_chief_records_guidance_and_the_officer_reads_it(world, login):
    chief = login(world.chief)
    form_page = chief.get(page_url(world)).content.decode()
    assert "具体的な指導を記録する" in form_page
    assert "評価・賞揚を記録する" not in form_page  # that is the 署長's
    response = chief.post(
        note_url(world) + "?from=2026-06-01&to=2026-11-30",
        {
            "kind": "guidance",
            "body": GUIDANCE,
            "period_from": "2026-06-01",
            "period_to": "2026-11-30",
        },
    )
    assert response.status_code == 302
    note = OfficerNote.objects.get()
    assert (note.kind, note.written_by, note.officer) == (
        OfficerNote.Kind.GUIDANCE,
        world.chief,
        world.beat_officer,
    )
    assert Notice.objects.filter(recipient=world.beat_officer, title__contains="指導").exists()
    # The officer, from his menu, on his own page: the note, who wrote it; no form.
    officer = login(world.beat_officer)
    own = officer.get(reverse("liaison:my_figures"))
    assert own["Location"] == page_url(world)
    html = officer.get(own["Location"]).content.decode()
    assert GUIDANCE in html and "chief 職員" in html and "具体的な指導" in html
    assert "対象期間：2026年6月1日から2026年11月30日まで" in html
    assert "を記録する</h3>" not in html


def test_the_station_manager_records_an_evaluation_or_a_commendation(world, login):
    manager = login(world.station_manager)
    html = manager.get(page_url(world)).content.decode()
    assert "評価・賞揚を記録する" in html and "具体的な指導を記録する" not in html
    response = manager.post(note_url(world), {"kind": "commendation", "body": COMMENDATION})
    assert response.status_code == 302
    note = OfficerNote.objects.get()
    assert note.kind == OfficerNote.Kind.COMMENDATION and note.written_by == world.station_manager
    assert COMMENDATION in login(world.beat_officer).get(page_url(world)).content.decode()


def test_each_writes_only_his_own_kind(world, login):
    assert (
        login(world.chief).post(note_url(world), {"kind": "evaluation", "body": "評価"}).status_code
        == 403
    )
    assert (
        login(world.station_manager)
        .post(note_url(world), {"kind": "guidance", "body": "指導"})
        .status_code
        == 403
    )
    # HQ reads the page, writes nothing; the officer writes nothing about himself.
    assert login(world.overall_manager).post(note_url(world), {"body": "x"}).status_code == 403
    assert login(world.beat_officer).post(note_url(world), {"body": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.officer_note_add(
            actor=world.chief,
            station=world.station_a,
            officer=world.beat_officer,
            kind=OfficerNote.Kind.EVALUATION,
            body="評価",
        )
    assert not OfficerNote.objects.exists()


def test_an_empty_note_is_said_at_its_field(world, login):
    response = login(world.chief).post(note_url(world), {"kind": "guidance", "body": ""})
    assert response.status_code == 200
    assert "内容を入力してください。" in response.content.decode()
    assert not OfficerNote.objects.exists()


def test_both_are_in_the_history(world, login):
    services.officer_note_add(
        actor=world.chief,
        station=world.station_a,
        officer=world.beat_officer,
        kind=OfficerNote.Kind.GUIDANCE,
        body=GUIDANCE,
    )
    services.officer_note_add(
        actor=world.station_manager,
        station=world.station_a,
        officer=world.beat_officer,
        kind=OfficerNote.Kind.EVALUATION,
        body="計画どおりに実施できている。",
    )
    records = OfficerNote.history.order_by("history_date")
    assert [(r.history_user, r.kind, r.history_change_reason) for r in records] == [
        (world.chief, "guidance", "具体的な指導"),
        (world.station_manager, "evaluation", "評価"),
    ]
    # The HQ audit's change history lists them with who wrote them.
    page = history_list(user=world.auditor, filters=HistoryFilter(source="officer_note"))
    assert [(e.source.label, e.who) for e in page.entries] == [
        ("指導・評価の記録", "station_manager 職員（100004）"),
        ("指導・評価の記録", "chief 職員（100003）"),
    ]


def test_the_period_page_of_an_officer_lists_his_notes_with_a_count(world, login):
    for index in range(3):
        services.officer_note_add(
            actor=world.chief,
            station=world.station_a,
            officer=world.beat_officer,
            kind=OfficerNote.Kind.GUIDANCE,
            body=f"指導その{index + 1}",
        )
    html = login(world.chief).get(page_url(world)).content.decode()
    assert "3件" in html
    assert html.index("指導その3") < html.index("指導その1")  # newest first
