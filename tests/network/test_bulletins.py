"""The bulletin shelf (seed 001 3⑴ア・エ): a station's publishers and HQ publish; the staff
see what is current today, their beats' first; an expired or withdrawn bulletin leaves the
shelf; a PDF is checked, and served only within the reader's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from network.bulletins.models import BULLETIN_FILE_MAX, Bulletin
from tests.html import field_error, soup, text

from .matrix_bulletins import make_bulletin

pytestmark = pytest.mark.django_db

SHELF = "/network/bulletins/"
CREATE = "/network/bulletins/new/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def publish_data(world, **extra):
    today = timezone.localdate()
    data = {
        "publisher": f"station-{world.station_a.pk}",
        "publisher_name": "駅前交番",
        "kind": "post_news",
        "title": "交番速報 12月号",
        "body": "自転車盗が増えています。",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(),
    }
    data.update(extra)
    return data


def shelf_titles(page) -> list[str]:
    table = soup(page).find("table")
    if table is None:
        return []
    return [tr.find("a").get_text(strip=True) for tr in table.find("tbody").find_all("tr")]


def test_a_supervisor_publishes_for_his_station(world, login):
    client = login(world.supervisor)
    response = client.post(CREATE, publish_data(world, beats=[world.beat_a1_1.pk]))
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert bulletin.station == world.station_a
    assert list(bulletin.beats.all()) == [world.beat_a1_1]
    assert "交番速報 12月号" in shelf_titles(client.get(SHELF))


def test_hq_publishes_for_every_station(world, login):
    client = login(world.overall_manager)
    response = client.post(
        CREATE,
        publish_data(world, publisher=f"hq-{world.hq.pk}", kind="hq_info", title="特殊詐欺に注意"),
    )
    assert response.status_code == 302
    assert Bulletin.objects.get().headquarters == world.hq
    assert "特殊詐欺に注意" in shelf_titles(login(world.other_officer).get(SHELF))
    assert "特殊詐欺に注意" in shelf_titles(login(world.staff).get(SHELF))


def test_a_beat_officer_cannot_publish(world, login):
    assert login(world.beat_officer).get(CREATE).status_code == 403
    assert login(world.beat_officer).post(CREATE, publish_data(world)).status_code == 403
    assert not Bulletin.objects.exists()


def test_a_station_publisher_cannot_publish_for_another_station(world, login):
    response = login(world.chief).post(
        CREATE, publish_data(world, publisher=f"station-{world.station_b.pk}")
    )
    assert "掲載先を一覧から選んでください" in field_error(response, name="publisher")
    assert not Bulletin.objects.exists()


def test_the_period_must_not_end_before_it_starts(world, login):
    today = timezone.localdate()
    response = login(world.chief).post(
        CREATE,
        publish_data(world, valid_until=(today - dt.timedelta(days=1)).isoformat()),
    )
    assert "掲載開始日と同じか" in field_error(response, name="valid_until")


def test_text_or_pdf_is_needed(world, login):
    response = login(world.chief).post(CREATE, publish_data(world, body=""))
    assert "本文を入力するか、PDFを添付してください" in field_error(response, name="body")


def test_a_pdf_is_kept_and_served_to_the_station_only(world, login):
    client = login(world.chief)
    upload = SimpleUploadedFile("速報.pdf", PDF, content_type="application/pdf")
    response = client.post(CREATE, publish_data(world, body="", pdf=upload))
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    url = reverse("network:bulletin_pdf", kwargs={"pk": bulletin.pk})
    download = login(world.beat_officer).get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == PDF
    assert login(world.other_officer).get(url).status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused(world, login):
    upload = SimpleUploadedFile(
        "速報.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = login(world.chief).post(CREATE, publish_data(world, pdf=upload))
    assert "PDFファイルではありません" in field_error(response, name="pdf")
    assert not Bulletin.objects.exists()


def test_a_pdf_over_5mb_is_refused(world, login):
    big = PDF + b"0" * BULLETIN_FILE_MAX
    upload = SimpleUploadedFile("big.pdf", big, content_type="application/pdf")
    response = login(world.chief).post(CREATE, publish_data(world, pdf=upload))
    assert "5MBまで" in field_error(response, name="pdf")
    assert not Bulletin.objects.exists()


@pytest.fixture
def shelf(world):
    today = timezone.localdate()
    return {
        "whole": make_bulletin(world.chief, station=world.station_a, title="署の全域"),
        "beat": make_bulletin(
            world.chief,
            station=world.station_a,
            title="第1受持区あて",
            beats=[world.beat_a1_1],
            valid_from=today - dt.timedelta(days=10),
        ),
        "expired": make_bulletin(
            world.chief,
            station=world.station_a,
            title="期限切れ",
            valid_from=today - dt.timedelta(days=20),
            valid_until=today - dt.timedelta(days=1),
        ),
        "future": make_bulletin(
            world.chief,
            station=world.station_a,
            title="来週から",
            valid_from=today + dt.timedelta(days=7),
        ),
        "other": make_bulletin(world.overall_manager, station=world.station_b, title="北署の速報"),
    }


def test_the_shelf_is_current_and_his_beats_come_first(world, login, shelf):
    assert shelf_titles(login(world.beat_officer).get(SHELF)) == ["第1受持区あて", "署の全域"]
    # Not his beat: the newest first.
    assert shelf_titles(login(world.staff).get(SHELF)) == ["署の全域", "第1受持区あて"]
    assert shelf_titles(login(world.other_officer).get(SHELF)) == ["北署の速報"]


def test_another_stations_bulletin_is_not_found(world, login, shelf):
    url = reverse("network:bulletin_detail", kwargs={"pk": shelf["other"].pk})
    assert login(world.beat_officer).get(url).status_code == 404
    assert login(world.other_officer).get(url).status_code == 200


def test_withdrawing_asks_first_then_takes_it_off_the_shelf(world, login, shelf):
    client = login(world.supervisor)
    url = reverse("network:bulletin_withdraw", kwargs={"pk": shelf["whole"].pk})
    confirm = client.get(url)
    assert "掲載を、今日から終えます" in text(confirm)
    assert shelf["whole"] in Bulletin.objects.filter(valid_until__gte=timezone.localdate())
    response = client.post(url)
    assert response.status_code == 302
    shelf["whole"].refresh_from_db()
    assert shelf["whole"].valid_until == timezone.localdate() - dt.timedelta(days=1)
    assert "署の全域" not in shelf_titles(client.get(SHELF))


def test_a_bulletin_not_yet_begun_can_be_withdrawn(world, login, shelf):
    url = reverse("network:bulletin_withdraw", kwargs={"pk": shelf["future"].pk})
    assert login(world.chief).post(url).status_code == 302
    shelf["future"].refresh_from_db()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert (shelf["future"].valid_from, shelf["future"].valid_until) == (yesterday, yesterday)


def test_a_reader_cannot_withdraw(world, login, shelf):
    url = reverse("network:bulletin_withdraw", kwargs={"pk": shelf["whole"].pk})
    assert login(world.beat_officer).post(url).status_code == 403
    assert login(world.other_officer).post(url).status_code == 404
    shelf["whole"].refresh_from_db()
    assert shelf["whole"].valid_until > timezone.localdate()
