"""Issue 12 point 11: a withdrawn member's personal data is kept NETWORK_MEMBER_RETENTION_DAYS
after the withdrawal, then erased by the retention run; counts stay."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AccessEvent
from accounts.utils.names import search_key
from network.members.models import FoundOccasion, LiaisonMember, MemberStep, StepKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    settings.NETWORK_MEMBER_RETENTION_DAYS = 365


def withdrawn(world, name: str, days_ago: int) -> LiaisonMember:
    today = timezone.localdate()
    member = LiaisonMember(
        station=world.station_a,
        status="active",
        name=name,
        name_kana="タイニン",
        search_key=search_key([name]),
        phone="029-111-2222",
        phone_digits="0291112222",
        address="水戸市笠原町1-1",
        found_by=world.chief,
        found_on=today - dt.timedelta(days=days_ago + 400),
        found_occasion=FoundOccasion.CAMPAIGN,
        consented_on=today - dt.timedelta(days=days_ago + 300),
    )
    member._history_user = world.chief
    member.save()
    member.status = "withdrawn"
    member.withdrawn_on = today - dt.timedelta(days=days_ago)
    member.save()
    MemberStep.objects.create(
        member=member,
        kind=StepKind.WITHDREW,
        on=member.withdrawn_on,
        by=world.chief,
        reason=f"{name}さんが転居のため",
    )
    return member


def purge(*args: str) -> str:
    out = StringIO()
    call_command("access_log_purge", *args, stdout=out)
    return out.getvalue()


def test_past_the_keeping_time_the_values_go_and_the_row_stays(world):
    old = withdrawn(world, "退任 古太郎", days_ago=366)
    recent = withdrawn(world, "退任 新次郎", days_ago=365)
    before = LiaisonMember.objects.filter(station=world.station_a).count()

    output = purge()

    assert "退任した地域安全連絡員）: 1件を削除しました" in output
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.phone, old.address, old.search_key) == ("", "", "", "")
    assert old.personal_data_removed_at is not None
    assert old.status == "withdrawn" and old.withdrawn_on is not None
    assert recent.name == "退任 新次郎"
    assert LiaisonMember.objects.filter(station=world.station_a).count() == before
    # The change history kept the name twice (made, withdrawn): both are blank now.
    assert set(LiaisonMember.history.filter(id=old.pk).values_list("name", flat=True)) == {""}
    assert set(LiaisonMember.history.filter(id=recent.pk).values_list("name", flat=True)) == {
        "退任 新次郎"
    }
    assert MemberStep.objects.get(member=old).reason == ""
    assert AccessEvent.objects.filter(
        object_type="network.liaisonmember", action=AccessEvent.Action.UPDATE, record_count=1
    ).exists()


def test_a_dry_run_counts_and_erases_nothing(world):
    old = withdrawn(world, "退任 古太郎", days_ago=400)
    output = purge("--dry-run")
    assert "1件を削除する予定" in output
    old.refresh_from_db()
    assert old.name == "退任 古太郎"
    # And a second real run finds nothing more to do after the first.
    purge()
    assert "0件を削除しました" in purge()
