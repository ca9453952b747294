"""Offline scans uploaded in batches: deterministic, earliest admission wins."""

from datetime import timedelta

import pytest
import time_machine

from expo.bookings import services
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import ticket_code_sign
from expo.events.models import Entrance
from expo.scanning.models import Scan
from tests.conftest import client_for
from tests.factories import EntranceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/scans/batch/"


@pytest.fixture
def setting():
    session = SessionFactory(capacity=10)
    booking = services.booking_create(visitor=UserFactory(), session_id=session.pk, party_size=3)
    gates = [
        EntranceFactory(venue=session.venue, mode=Entrance.Mode.ENTRY_EXIT, name=name)
        for name in ("Norra", "Södra")
    ]
    # Uploads happen after the scans they carry: half an hour into the session.
    with time_machine.travel(session.starts_at + timedelta(minutes=30), tick=False):
        yield session, list(booking.tickets.order_by("id")), gates


def item(ticket, gate, minutes, nonce, direction="in"):
    when = ticket.session.starts_at + timedelta(minutes=minutes)
    return {
        "code": ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
        "entrance": gate.pk,
        "direction": direction,
        "nonce": nonce,
        "scanned_at": when.isoformat(),
    }


def upload(client, items):
    response = client.post(BATCH, {"scans": items}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_the_same_ticket_admitted_at_two_gates_offline_earliest_wins(gate_staff, setting):
    session, tickets, (north, south) = setting
    client = client_for(gate_staff)
    results = upload(
        client,
        [
            item(tickets[0], south, minutes=-3, nonce="south-0001"),  # uploaded first, later
            item(tickets[0], north, minutes=-9, nonce="north-0001"),  # earlier: wins
        ],
    )
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["reason"] == "already_checked_in"
    ticket = Ticket.objects.get(pk=tickets[0].pk)
    assert ticket.first_entrance_id == north.pk
    assert ticket.first_checked_in_at == session.starts_at - timedelta(minutes=9)


def test_a_later_upload_of_an_earlier_admission_reports_the_conflict(gate_staff, setting):
    _, tickets, (north, south) = setting
    client = client_for(gate_staff)
    upload(client, [item(tickets[0], south, minutes=-3, nonce="south-0002")])
    late = upload(client, [item(tickets[0], north, minutes=-9, nonce="north-0002")])[0]
    assert (late["status"], late["reason"]) == ("rejected", "already_checked_in")
    assert late["conflict"] == "earlier_offline_admission"


def test_out_of_order_entries_and_exits_are_replayed_in_time_order(gate_staff, setting):
    session, tickets, (north, _) = setting
    client = client_for(gate_staff)
    results = upload(
        client,
        [
            item(tickets[1], north, minutes=20, nonce="t1-in-again", direction="in"),
            item(tickets[1], north, minutes=10, nonce="t1-out-0001", direction="out"),
            item(tickets[1], north, minutes=-5, nonce="t1-in-0001", direction="in"),
        ],
    )
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted"]
    session.venue.refresh_from_db()
    assert session.venue.inside == 1


def test_the_same_batch_sent_twice_changes_nothing(gate_staff, setting):
    session, tickets, (north, _) = setting
    client = client_for(gate_staff)
    items = [item(t, north, minutes=-2, nonce=f"again-{t.pk:04d}") for t in tickets]
    first = upload(client, items)
    second = upload(client, items)
    assert first == second
    assert [r["status"] for r in first] == ["accepted"] * 3
    assert Scan.objects.count() == 3
    session.venue.refresh_from_db()
    assert session.venue.inside == 3


def test_duplicates_within_a_batch(gate_staff, setting):
    _, tickets, (north, _) = setting
    client = client_for(gate_staff)
    results = upload(
        client,
        [
            item(tickets[2], north, minutes=-1, nonce="dup-a-0001"),
            item(tickets[2], north, minutes=-1, nonce="dup-b-0001"),
            item(tickets[2], north, minutes=-1, nonce="dup-a-0001"),
        ],
    )
    assert results[0] == results[2]
    assert sorted(r["status"] for r in results[:2]) == ["accepted", "rejected"]


def test_online_and_offline_scans_mix(gate_staff, setting):
    session, tickets, (north, south) = setting
    client = client_for(gate_staff)
    online = item(tickets[0], north, minutes=0, nonce="online-0001")
    online.pop("scanned_at")
    with time_machine.travel(session.starts_at - timedelta(minutes=1), tick=False):
        assert client.post("/api/v1/scans/", online, format="json").json()["status"] == "accepted"
    results = upload(
        client,
        [
            item(tickets[0], south, minutes=5, nonce="offline-0001"),  # already inside
            item(tickets[1], south, minutes=5, nonce="offline-0002"),
            item(tickets[2], south, minutes=-120, nonce="offline-0003"),  # too early then
        ],
    )
    assert [r.get("reason") for r in results] == ["already_checked_in", None, "too_early"]
    assert Scan.objects.filter(offline=True).count() == 3
    assert Scan.objects.filter(offline=False).count() == 1


def test_a_malformed_item_rejects_the_batch_with_its_index(gate_staff, setting):
    _, tickets, (north, _) = setting
    client = client_for(gate_staff)
    good = item(tickets[0], north, minutes=0, nonce="good-0001")
    response = client.post(BATCH, {"scans": [good, {"code": "x"}]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "scans" in response.json()["fields"]
    assert not Scan.objects.exists()


@pytest.mark.parametrize("scanned_at", ["9999-12-31T23:59:59", "0001-01-01T00:00:00Z"])
def test_a_broken_device_clock_rejects_the_batch_not_a_500_later(gate_staff, setting, scanned_at):
    """Stored, such a time would overflow wherever the ticket's last scan is shown."""
    _, tickets, (north, _) = setting
    broken = {**item(tickets[0], north, minutes=0, nonce="clock-0001"), "scanned_at": scanned_at}
    response = client_for(gate_staff).post(BATCH, {"scans": [broken]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Scan.objects.exists()
