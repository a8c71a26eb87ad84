"""The HQ audit knows every network object its events name, by a label that names no one
(要領 第4: auditors see events, not contents)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import registry
from accounts.models import AccessEvent, Department
from network.exchanges.models import Exchange, ExchangeOccasion
from network.meetings.models import SafetyMeeting
from network.requests.models import DepartmentRequest
from tests.network.test_overview import member

pytestmark = pytest.mark.django_db


def test_every_network_object_type_of_the_log_has_a_label_without_names(world, client, login):
    person = member(world, "監査 対象子")
    department = Department.objects.filter(station=world.station_a).first()
    exchange = Exchange.objects.create(
        station=world.station_a,
        member=person,
        held_on=timezone.localdate(),
        staff=world.beat_officer,
        department=department,
        occasion=ExchangeOccasion.PHONE,
        minutes=10,
        heard="監査 対象子さんから防犯灯の要望",
        recorded_by=world.beat_officer,
    )
    meeting = SafetyMeeting.objects.create(
        station=world.station_a,
        held_on=timezone.localdate(),
        place="公民館",
        agenda="防犯",
        recorded_by=world.chief,
    )
    request = DepartmentRequest.objects.create(
        station=world.station_a,
        department=department,
        meeting=meeting,
        text="防犯灯",
        raised_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=14),
        raised_by=world.chief,
    )
    objects = {
        "network.liaisonmember": person,
        "network.exchange": exchange,
        "network.safetymeeting": meeting,
        "network.departmentrequest": request,
        "network.roster": world.station_a,
    }
    for object_type, obj in objects.items():
        kind = registry.kind(object_type)
        assert kind is not None and kind.describe is not None, object_type
        label = kind.describe([str(obj.pk)])[str(obj.pk)]
        assert "監査" not in label and "対象子" not in label, (object_type, label)
        assert "中央警察署" in label, (object_type, label)
    # Reading an exchange joins its member's access history.
    exchange_kind = registry.kind("network.exchange")
    assert exchange_kind.containers(str(exchange.pk)) == [("network.liaisonmember", str(person.pk))]
    # And the pages' events carry those types.
    login(world.beat_officer)
    assert client.get(reverse("network:exchange_detail", args=[exchange.pk])).status_code == 200
    assert AccessEvent.objects.filter(
        object_type="network.exchange", object_id=str(exchange.pk)
    ).exists()
