"""Offline scans bounded in time, flagged instead of counted, and nonces kept per account."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from expo.bookings import selectors, services
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Venue
from expo.scanning.models import Scan, ScanDevice
from tests.conftest import client_for
from tests.factories import EntranceFactory, SessionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

SCANS = "/api/v1/scans/"
BATCH = "/api/v1/scans/batch/"
NOW = timezone.now().replace(microsecond=0) + timedelta(days=3)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def tickets_of(session, party_size=1):
    booking = services.booking_create(
        visitor=UserFactory(name="Astrid Lindgren"),
        session_id=session.pk,
        party_size=party_size,
        now=session.starts_at - timedelta(days=1),
    )
    return list(booking.tickets.order_by("id"))


def item(ticket, entrance, at, nonce, direction="in"):
    return {
        "code": ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
        "entrance": entrance.pk,
        "direction": direction,
        "nonce": nonce,
        "scanned_at": at.isoformat(),
    }


def upload(client, items, **body):
    response = client.post(BATCH, {"scans": items, **body}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def running_session(now, **fields):
    """A session that started an hour ago and lasts a day, so only the upload bounds."""
    return SessionFactory(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=23), **fields
    )


# --- scanned_at bounded by the device's uploads -------------------------------------------


def test_out_of_window_scanned_at_is_refused_per_item(gate_staff, now, settings):
    settings.SCAN_MAX_OFFLINE_MINUTES = 120
    settings.SCAN_CLOCK_SKEW_SECONDS = 60
    session = SessionFactory(starts_at=now - timedelta(hours=5), ends_at=now + timedelta(hours=5))
    tickets = tickets_of(session, party_size=3)
    gate = EntranceFactory(venue=session.venue)
    results = upload(
        client_for(gate_staff),
        [
            item(tickets[0], gate, now + timedelta(minutes=30), "future-0001"),
            item(tickets[1], gate, now - timedelta(hours=3), "stale-00001"),
            item(tickets[2], gate, now - timedelta(minutes=90), "fine-000001"),
        ],
        device="device-aaaa",
    )
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "scanned_at_in_future"),
        ("rejected", "scanned_at_too_old"),
        ("accepted", None),
    ]
    assert list(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("checked_in", flat=True)
    ) == [False, False, True]
    session.venue.refresh_from_db()
    assert session.venue.inside == 1
    stored = Scan.objects.get(nonce="future-0001")
    assert (stored.result, stored.reason, stored.device) == (
        "rejected",
        "scanned_at_in_future",
        "device-aaaa",
    )


def test_within_the_clock_skew_is_fine(gate_staff, now, settings):
    settings.SCAN_CLOCK_SKEW_SECONDS = 60
    session = running_session(now)
    ticket = tickets_of(session)[0]
    gate = EntranceFactory(venue=session.venue)
    result = upload(
        client_for(gate_staff), [item(ticket, gate, now + timedelta(seconds=50), "skew-00001")]
    )
    assert result[0]["status"] == "accepted"


def test_a_device_uploads_what_it_scanned_since_its_previous_upload(gate_staff, settings):
    """The previous upload, less the span, bounds the next one; per device, else per account."""
    settings.SCAN_MAX_OFFLINE_MINUTES = 60
    start = NOW
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=12))
    tickets = tickets_of(session, party_size=5)
    gate = EntranceFactory(venue=session.venue)
    client = client_for(gate_staff)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        upload(client, [item(tickets[0], gate, start, "first-0001")], device="device-bbbb")
        upload(client, [item(tickets[1], gate, start, "first-0002")])  # the account
    # Back after eight hours offline: scans since the previous upload are fine.
    later = start + timedelta(hours=8)
    with time_machine.travel(later, tick=False):
        known = upload(
            client,
            [
                item(tickets[2], gate, start + timedelta(hours=1), "later-0001"),
                item(tickets[3], gate, start - timedelta(minutes=50), "later-0002"),
                item(tickets[4], gate, start - timedelta(minutes=56), "later-0004"),
            ],
            device="device-bbbb",
        )
        unknown = upload(
            client,
            [item(tickets[2], gate, start + timedelta(hours=1), "later-0003")],
            device="device-cccc",
        )
    assert [r["reason"] for r in known] == [None, None, "scanned_at_too_old"]
    assert (unknown[0]["status"], unknown[0]["reason"]) == ("rejected", "scanned_at_too_old")
    devices = dict(
        ScanDevice.objects.filter(staff=gate_staff).values_list("device", "last_sync_at")
    )
    assert devices == {"device-bbbb": later, "device-cccc": later, "": start + timedelta(minutes=5)}


def test_a_malformed_device_id_rejects_the_batch(gate_staff, now):
    session = running_session(now)
    ticket = tickets_of(session)[0]
    gate = EntranceFactory(venue=session.venue)
    response = client_for(gate_staff).post(
        BATCH, {"scans": [item(ticket, gate, now, "dev-00001")], "device": "<x>"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"device"}


# --- Offline admissions the server would refuse: flagged, not counted ----------------------


def test_out_of_window_offline_admission_is_flagged_and_not_counted(gate_staff, now):
    session = SessionFactory(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2))
    ticket = tickets_of(session)[0]
    gate = EntranceFactory(venue=session.venue)
    result = upload(
        client_for(gate_staff), [item(ticket, gate, now - timedelta(minutes=10), "late-00001")]
    )[0]
    assert (result["status"], result["reason"], result["flagged"]) == ("rejected", "too_late", True)
    stored = Scan.objects.get(nonce="late-00001")
    assert stored.flagged and stored.reviewed_at is None
    ticket.refresh_from_db()
    assert not ticket.checked_in and ticket.first_checked_in_at is None
    session.venue.refresh_from_db()
    assert session.venue.inside == 0
    attendance = selectors.session_attendance(session=session)
    assert attendance["checked_in"] == 0


def test_offline_admission_over_the_venue_limit_is_flagged_and_not_counted(gate_staff, now):
    venue = VenueFactory(max_occupancy=1)
    session = running_session(now, venue=venue, capacity=5)
    tickets = tickets_of(session, party_size=2)
    gate = EntranceFactory(venue=venue)
    results = upload(
        client_for(gate_staff),
        [
            item(tickets[0], gate, now - timedelta(minutes=20), "full-00001"),
            item(tickets[1], gate, now - timedelta(minutes=10), "full-00002"),
        ],
    )
    assert results[0]["status"] == "accepted" and "flagged" not in results[0]
    assert (results[1]["reason"], results[1]["flagged"]) == ("venue_full", True)
    assert Venue.objects.get(pk=venue.pk).inside == 1
    assert not Ticket.objects.get(pk=tickets[1].pk).checked_in
    assert list(Scan.objects.filter(flagged=True).values_list("nonce", flat=True)) == ["full-00002"]


def test_online_refusals_are_not_flagged(gate_staff, now):
    session = SessionFactory(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2))
    ticket = tickets_of(session)[0]
    gate = EntranceFactory(venue=session.venue)
    body = {**item(ticket, gate, now, "online-0001")}
    body.pop("scanned_at")
    result = client_for(gate_staff).post(SCANS, body, format="json").json()
    assert result["reason"] == "too_late" and "flagged" not in result
    assert not Scan.objects.get(nonce="online-0001").flagged


def test_staff_filter_flagged_scans_and_mark_them_reviewed(client, expo_staff, gate_staff, now):
    session = SessionFactory(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2))
    tickets = tickets_of(session, party_size=2)
    gate = EntranceFactory(venue=session.venue)
    client_api = client_for(gate_staff)
    upload(client_api, [item(tickets[0], gate, now - timedelta(minutes=5), "flag-00001")])
    client_api.post(
        SCANS, {**item(tickets[1], gate, now, "plain-0001"), "scanned_at": None}, format="json"
    )
    client.force_login(expo_staff)
    changelist = reverse("admin:scanning_scan_changelist")
    listed = client.get(changelist, {"review": "open"})
    assert listed.status_code == 200
    assert [scan.nonce for scan in listed.context["cl"].result_list] == ["flag-00001"]
    flagged = Scan.objects.get(nonce="flag-00001")
    plain = Scan.objects.get(nonce="plain-0001")
    response = client.post(
        changelist,
        {"action": "mark_reviewed", "_selected_action": [flagged.pk, plain.pk]},
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    plain.refresh_from_db()
    assert flagged.reviewed_at == now and flagged.reviewed_by == expo_staff
    assert plain.reviewed_at is None  # not flagged: nothing to review
    assert not client.get(changelist, {"review": "open"}).context["cl"].result_list
    # The stored answer quotes the attendee: not on the detail page.
    detail = client.get(reverse("admin:scanning_scan_change", args=[flagged.pk]))
    assert detail.status_code == 200
    assert "Astrid" not in detail.content.decode()


# --- Nonces are the scanning account's ----------------------------------------------------


def test_nonce_reuse_by_another_account_is_refused_without_leaking(gate_staff, now):
    session = running_session(now)
    tickets = tickets_of(session, party_size=2)
    gate = EntranceFactory(venue=session.venue)
    first = client_for(gate_staff).post(
        SCANS, item(tickets[0], gate, now, "shared-0001"), format="json"
    )
    assert first.json()["ticket"]["attendee_name"] == "Astrid Lindgren"
    reference = first.json()["ticket"]["booking_reference"]

    other = client_for(UserFactory(role="gate_staff"))
    single = other.post(SCANS, item(tickets[1], gate, now, "shared-0001"), format="json")
    malformed = other.post(SCANS, item(tickets[1], gate, now, "bad nonce!"), format="json")
    batch = other.post(
        BATCH,
        {
            "scans": [
                item(tickets[1], gate, now, "other-0001"),
                item(tickets[1], gate, now, "shared-0001"),
            ]
        },
        format="json",
    )
    for response in (single, batch):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        text = json.dumps(response.json())
        assert "Astrid" not in text and reference not in text and "accepted" not in text
    assert single.json().keys() == malformed.json().keys()
    assert single.json()["detail"] == malformed.json()["detail"]
    assert batch.json()["fields"]["scans"][0] == {}
    assert set(batch.json()["fields"]["scans"][1]) == {"nonce"}
    # Nothing was scanned for the other account, not even the batch's good item.
    assert Scan.objects.count() == 1
    assert not Ticket.objects.get(pk=tickets[1].pk).checked_in
    # The scanning account itself still gets its replay.
    replay = client_for(gate_staff).post(
        SCANS, item(tickets[0], gate, now, "shared-0001"), format="json"
    )
    assert replay.json() == first.json()


def test_a_nonce_race_with_another_account_is_refused_too(gate_staff, now, monkeypatch):
    """The pre-check can be overtaken; the unique index still refuses, without leaking."""
    from expo.scanning import services as scanning

    session = running_session(now)
    tickets = tickets_of(session, party_size=2)
    gate = EntranceFactory(venue=session.venue)
    client_for(gate_staff).post(SCANS, item(tickets[0], gate, now, "race-00001"), format="json")
    monkeypatch.setattr(scanning, "_refuse_foreign_nonces", lambda staff, scans: None)
    other = client_for(UserFactory(role="gate_staff"))
    response = other.post(
        BATCH, {"scans": [item(tickets[1], gate, now, "race-00001")]}, format="json"
    )
    assert response.status_code == 400
    assert "Astrid" not in json.dumps(response.json())
    assert Scan.objects.count() == 1
