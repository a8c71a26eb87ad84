"""`manage.py seed_demo` and `manage.py demo_totp`: demo data anyone can sign in with."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from accounts.models import (
    Appointment,
    Beat,
    BeatAssignment,
    BeatGroupObjectPermission,
    BeatUserObjectPermission,
    Department,
    Post,
    Role,
    Station,
    User,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    User,
    User.history.model,
    Station,
    Department,
    Post,
    Beat,
    Appointment,
    Appointment.history.model,
    BeatAssignment,
    Group,
    BeatGroupObjectPermission,
    BeatUserObjectPermission,
    TOTPDevice,
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


@pytest.mark.smoke
@override_settings(DEMO_MODE=True)
def test_it_creates_a_person_for_every_role_and_prints_their_logins():
    output = seed()
    active = Appointment.objects.filter(granted_at__isnull=False, revoked_at__isnull=True)
    assert set(active.values_list("role", flat=True)) == set(Role.values)
    assert Station.objects.filter(name__in=["水戸中央警察署", "ひたちなか東警察署"]).count() == 2
    for label in ("職員番号", "氏名", "役職", "所属", "260121", "伊藤 大輔", "受持警察官"):
        assert label in output
    assert settings.DEMO_PASSWORD in output
    assert "demo_totp" in output


@override_settings(DEMO_MODE=True)
def test_a_second_run_changes_nothing():
    seed()
    first = counts()
    seed()
    assert counts() == first


@override_settings(DEMO_MODE=False)
def test_it_refuses_without_debug_unless_forced():
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not User.objects.exists()

    seed("--force")
    assert User.objects.filter(employee_number="260001").exists()
    # The fixed demo key is derivable, so no such device outside DEBUG.
    assert not TOTPDevice.objects.exists()


@override_settings(DEMO_MODE=True)
def test_a_seeded_beat_officer_sees_exactly_his_beats():
    seed()
    officer = User.objects.get(employee_number="260122")
    names = {(b.post.name, b.name) for b in permissions.beats_for(officer)}
    assert names == {("駅南交番", "第2受持区"), ("駅南交番", "第3受持区")}
    supervisor = User.objects.get(employee_number="260112")
    assert {b.name for b in permissions.beats_for(supervisor)} == {"千波町一丁目", "千波町二丁目"}


@override_settings(DEMO_MODE=True)
def test_a_seeded_officer_signs_in_through_the_form_with_the_demo_password(client):
    seed()
    response = client.post(
        reverse("accounts:login"),
        {"username": "260121", "password": settings.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert "伊藤 大輔" in home.content.decode()


@override_settings(DEMO_MODE=True)
def test_demo_totp_prints_a_code_the_device_accepts():
    seed()
    out = StringIO()
    call_command("demo_totp", "260001", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    device = TOTPDevice.objects.get(user__employee_number="260001")
    assert device.verify_token(code)


@override_settings(DEMO_MODE=True)
def test_demo_totp_names_a_user_without_a_device():
    seed()
    with pytest.raises(CommandError, match="260121"):
        call_command("demo_totp", "260121", stdout=StringIO())


@override_settings(DEMO_MODE=False)
def test_demo_totp_refuses_without_debug():
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("demo_totp", "260001", stdout=StringIO())
