"""Writes the planned demo expo into the database, adding only what is missing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from expo.accounts.models import User
from expo.accounts.services import user_create
from expo.core.permissions import EXHIBITOR, EXPO_STAFF, GATE_STAFF, VISITOR
from expo.demo import content
from expo.demo.programme import EXPO_ZONE, REAL_START, DemoPlan, SessionPlan, demo_plan
from expo.events.models import Entrance, Exhibition, Expo, Session, Theme, Venue
from expo.exhibitors.models import Exhibitor, Membership, Stand
from expo.exhibitors.services import membership_add

EXPO_SLUG = "h22"
EXPO_NAME = "H22 City Expo"
# The bookable copy that `make demo` puts next to the real 2022 programme.
COPY_SLUG = "h22-demo"
COPY_NAME = "H22 City Expo – demo edition"
DEMO_PASSWORD = "h22-demo-2022"  # documented in the README; demo data only
BATCH_SIZE = 500

Progress = Callable[[str, int, int], None]
"""Called as progress(step, done, total) while loading, e.g. to drive a progress bar."""


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    language: str = "sv"
    superuser: bool = False
    owns_first_exhibitor: bool = False


DEMO_USERS = (
    DemoUser("visitor@h22.example", "Vera Besökare", VISITOR),
    DemoUser("visitor.en@h22.example", "Evan Visitor", VISITOR, language="en"),
    DemoUser("exhibitor@h22.example", "Elsa Utställare", EXHIBITOR, owns_first_exhibitor=True),
    DemoUser("gate@h22.example", "Gunnar Grindvakt", GATE_STAFF),
    # A superuser too, so that every page of the admin works in the demo.
    DemoUser("staff@h22.example", "Sara Samordnare", EXPO_STAFF, superuser=True),
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo expo holds after a load: totals, not only what this run added."""

    starts_on: date
    ends_on: date
    venues: int
    entrances: int
    themes: int
    exhibitions: int
    exhibitors: int
    stands: int
    sessions: int
    published_sessions: int
    cancelled_sessions: int
    demo_users: int
    sessions_added: int
    moved_days: int


@transaction.atomic
def demo_load(
    *,
    scale: int = 1,
    start: date | None = None,
    progress: Progress | None = None,
    as_copy: bool = False,
) -> DemoSummary:
    """Fill the database with the H22 City Expo; running it again adds only what is missing.

    Rows that exist are never overwritten: staff may have edited them and visitors may
    have booked them. `start` moves the expo (on a later run, with the rows already
    there) so that it can be booked now; clock times stay the same in Stockholm.
    `scale` N gives about N times the partners and sessions, for benchmarks.
    `as_copy` puts the programme into a second edition instead, sharing the venues and
    partners, so the real 2022 dates stay browsable while the copy can be booked now.
    One transaction: a failed load leaves nothing half-made, and SQLite writes faster.
    """
    report = progress or _ignore_progress
    plan = demo_plan(scale=scale, start=start or REAL_START)
    expo, moved_days = _expo_load(plan, report, as_copy=as_copy)
    venues = _venues_load(expo, report)
    _entrances_load(venues, report)
    themes = _themes_load(report)
    exhibitors = _exhibitors_load(expo, plan, report)
    _stands_load(plan, exhibitors=exhibitors, venues=venues, report=report)
    exhibitions = _exhibitions_load(expo, plan, venues=venues, themes=themes, report=report)
    sessions_added = _sessions_load(
        expo,
        plan,
        venues=venues,
        themes=themes,
        exhibitions=exhibitions,
        exhibitors=exhibitors,
        report=report,
    )
    _demo_users_load(first_exhibitor=exhibitors[plan.exhibitors[0].slug], report=report)
    return _summary(expo, sessions_added=sessions_added, moved_days=moved_days)


def _ignore_progress(step: str, done: int, total: int) -> None:
    pass


# --- The expo and moving it ---------------------------------------------------------


def _expo_load(plan: DemoPlan, report: Progress, *, as_copy: bool) -> tuple[Expo, int]:
    """The expo row, moved to the planned start if an earlier load used another one."""
    # Locked, so that two loads at once cannot both move the expo.
    expo, created = Expo.objects.select_for_update().get_or_create(
        slug=COPY_SLUG if as_copy else EXPO_SLUG,
        defaults={
            "name": COPY_NAME if as_copy else EXPO_NAME,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "time_zone": EXPO_ZONE.key,
        },
    )
    moved_days = 0 if created else (plan.starts_on - expo.starts_on).days
    if moved_days:
        _expo_move(expo, shift=timedelta(days=moved_days), report=report)
    report("expo", 1, 1)
    return expo, moved_days


def _expo_move(expo: Expo, *, shift: timedelta, report: Progress) -> None:
    """Shift the expo and every dated row in it by whole days, keeping Stockholm clock times.

    Row by row in Python rather than one UPDATE: adding days in UTC would move sessions
    by an hour when the shift crosses a daylight-saving change, and the next load would
    then no longer recognise them.
    """
    expo.starts_on += shift
    expo.ends_on += shift
    expo.save(update_fields=["starts_on", "ends_on"])
    exhibitions = list(expo.exhibitions.only("id", "starts_on", "ends_on"))
    for exhibition in exhibitions:
        exhibition.starts_on += shift
        exhibition.ends_on += shift
    Exhibition.objects.bulk_update(exhibitions, ["starts_on", "ends_on"], batch_size=BATCH_SIZE)
    moments = ["starts_at", "ends_at", "booking_opens_at", "booking_closes_at"]
    sessions = list(expo.sessions.only("id", *moments))
    for session in sessions:
        for field in moments:
            setattr(session, field, _local_shift(getattr(session, field), shift))
    for offset in range(0, len(sessions), BATCH_SIZE):
        Session.objects.bulk_update(sessions[offset : offset + BATCH_SIZE], moments)
        report("moving sessions", min(offset + BATCH_SIZE, len(sessions)), len(sessions))


def _local_shift(moment: datetime | None, shift: timedelta) -> datetime | None:
    if moment is None:
        return None
    local = moment.astimezone(EXPO_ZONE).replace(tzinfo=None)
    return (local + shift).replace(tzinfo=EXPO_ZONE)


# --- Places, themes, partners -------------------------------------------------------


def _add_missing_by_slug(model, rows: list) -> tuple[dict, set[str]]:
    """Insert the rows whose slug is free; return every wanted row by slug, and the new slugs."""
    taken = set(model.objects.values_list("slug", flat=True))
    missing = [row for row in rows if row.slug not in taken]
    model.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    by_slug = model.objects.in_bulk([row.slug for row in rows], field_name="slug")
    return by_slug, {row.slug for row in missing}


def _venues_load(expo: Expo, report: Progress) -> dict[str, Venue]:
    rows = [
        Venue(
            expo=expo,
            slug=fact.slug,
            name=fact.name,
            area=fact.area,
            address=fact.address,
            latitude=Decimal(fact.latitude),
            longitude=Decimal(fact.longitude),
            description_sv=fact.description_sv,
            description_en=fact.description_en,
            max_occupancy=fact.max_occupancy,
        )
        for fact in content.VENUES
    ]
    venues, _ = _add_missing_by_slug(Venue, rows)
    report("venues", len(rows), len(rows))
    return venues


def _entrances_load(venues: dict[str, Venue], report: Progress) -> None:
    taken = set(Entrance.objects.filter(venue__in=venues.values()).values_list("venue_id", "name"))
    wanted = [
        Entrance(venue=venues[fact.slug], name=name, mode=mode)
        for fact in content.VENUES
        for name, mode in fact.entrances
    ]
    Entrance.objects.bulk_create(
        [entrance for entrance in wanted if (entrance.venue.pk, entrance.name) not in taken]
    )
    report("entrances", len(wanted), len(wanted))


def _themes_load(report: Progress) -> dict[str, Theme]:
    rows = [
        Theme(
            slug=slug,
            name_sv=name_sv,
            name_en=name_en,
            description_sv=description_sv,
            description_en=description_en,
        )
        for slug, name_sv, name_en, description_sv, description_en in content.THEMES
    ]
    themes, _ = _add_missing_by_slug(Theme, rows)
    report("themes", len(rows), len(rows))
    return themes


def _exhibitors_load(expo: Expo, plan: DemoPlan, report: Progress) -> dict[str, Exhibitor]:
    rows = [
        Exhibitor(
            expo=expo,
            slug=partner.slug,
            name=partner.name,
            description_sv=partner.description_sv,
            description_en=partner.description_en,
            website=partner.website,
            contact_email=partner.contact_email,
            contact_phone=partner.contact_phone,
            status=Exhibitor.Status.ACTIVE,
        )
        for partner in plan.exhibitors
    ]
    exhibitors, _ = _add_missing_by_slug(Exhibitor, rows)
    report("exhibitors", len(rows), len(rows))
    return exhibitors


def _stands_load(plan: DemoPlan, *, exhibitors, venues, report: Progress) -> None:
    taken = set(Stand.objects.values_list("venue_id", "code"))
    wanted = [
        Stand(
            exhibitor=exhibitors[partner.slug],
            venue=venues[stand.venue_slug],
            code=stand.code,
            opens_at=stand.opens_at,
            closes_at=stand.closes_at,
        )
        for partner in plan.exhibitors
        for stand in partner.stands
    ]
    missing = [stand for stand in wanted if (stand.venue.pk, stand.code) not in taken]
    Stand.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    report("stands", len(wanted), len(wanted))


def _exhibitions_load(expo: Expo, plan: DemoPlan, *, venues, themes, report: Progress):
    rows = [
        Exhibition(
            expo=expo,
            venue=venues[exhibition.venue_slug],
            slug=exhibition.slug,
            title_sv=exhibition.title_sv,
            title_en=exhibition.title_en,
            description_sv=exhibition.description_sv,
            description_en=exhibition.description_en,
            starts_on=exhibition.starts_on,
            ends_on=exhibition.ends_on,
        )
        for exhibition in plan.exhibitions
    ]
    exhibitions, added = _add_missing_by_slug(Exhibition, rows)
    # Themes only for new exhibitions: staff may have re-themed the others.
    Exhibition.themes.through.objects.bulk_create(
        [
            Exhibition.themes.through(
                exhibition_id=exhibitions[exhibition.slug].pk, theme_id=themes[theme].pk
            )
            for exhibition in plan.exhibitions
            if exhibition.slug in added
            for theme in exhibition.theme_slugs
        ],
        ignore_conflicts=True,
    )
    report("exhibitions", len(rows), len(rows))
    return exhibitions


# --- Sessions -----------------------------------------------------------------------

SessionKey = tuple[int, datetime, str]


def _sessions_load(
    expo: Expo, plan: DemoPlan, *, venues, themes, exhibitions, exhibitors, report: Progress
) -> int:
    """Insert the planned sessions that are not there yet, with their themes.

    A session has no natural key, so (venue, start, Swedish title) stands in for one: the
    plan never repeats it. A session whose title, time or venue was edited since is
    therefore planned again; anything else may be edited freely.
    """
    existing = {_key(*row) for row in _session_keys(expo)}
    missing = [
        planned
        for planned in plan.sessions
        if _key(venues[planned.venue_slug].pk, planned.starts_at, planned.title_sv) not in existing
    ]
    report("sessions", 0, len(missing))
    for offset in range(0, len(missing), BATCH_SIZE):
        batch = missing[offset : offset + BATCH_SIZE]
        Session.objects.bulk_create(
            [
                _session_row(
                    expo, planned, venues=venues, exhibitions=exhibitions, exhibitors=exhibitors
                )
                for planned in batch
            ]
        )
        report("sessions", offset + len(batch), len(missing))
    _session_themes_add(expo, missing, venues=venues, themes=themes, report=report)
    return len(missing)


def _session_keys(expo: Expo):
    return Session.objects.filter(expo=expo).values_list("venue_id", "starts_at", "title_sv")


def _key(venue_id: int, starts_at: datetime, title_sv: str) -> SessionKey:
    return venue_id, starts_at.astimezone(UTC), title_sv


def _session_row(expo: Expo, planned: SessionPlan, *, venues, exhibitions, exhibitors) -> Session:
    return Session(
        expo=expo,
        title_sv=planned.title_sv,
        title_en=planned.title_en,
        description_sv=planned.description_sv,
        description_en=planned.description_en,
        kind=planned.kind,
        language=planned.language,
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        venue=venues[planned.venue_slug],
        exhibition=exhibitions[planned.exhibition_slug] if planned.exhibition_slug else None,
        host=exhibitors[planned.host_slug] if planned.host_slug else None,
        capacity=planned.capacity,
        max_party_size=planned.max_party_size,
        booking_opens_at=planned.booking_opens_at,
        booking_closes_at=planned.booking_closes_at,
        no_show_release_minutes=planned.no_show_release_minutes,
        status=planned.status,
        status_reason=planned.status_reason,
    )


def _session_themes_add(expo: Expo, added: list[SessionPlan], *, venues, themes, report):
    """Themes for the sessions just added; looked up by key, as bulk inserts may not return ids."""
    ids = {
        _key(venue_id, starts_at, title): pk
        for pk, venue_id, starts_at, title in (
            Session.objects.filter(expo=expo).values_list("id", "venue_id", "starts_at", "title_sv")
        )
    }
    through = Session.themes.through
    rows = [
        through(
            session_id=ids[
                _key(venues[planned.venue_slug].pk, planned.starts_at, planned.title_sv)
            ],
            theme_id=themes[theme].pk,
        )
        for planned in added
        for theme in planned.theme_slugs
    ]
    for offset in range(0, len(rows), BATCH_SIZE):
        through.objects.bulk_create(rows[offset : offset + BATCH_SIZE], ignore_conflicts=True)
        report("session themes", min(offset + BATCH_SIZE, len(rows)), len(rows))


# --- People -------------------------------------------------------------------------


def _demo_users_load(*, first_exhibitor: Exhibitor, report: Progress) -> None:
    """The documented demo logins; an account that exists already is left as it is."""
    hashed_password = None
    for done, demo_user in enumerate(DEMO_USERS, start=1):
        user = User.objects.filter(email__iexact=demo_user.email).first()
        if user is None:
            # One deliberately slow hash shared by all demo accounts, not one each.
            hashed_password = hashed_password or make_password(DEMO_PASSWORD)
            user = user_create(
                email=demo_user.email,
                password=None,
                name=demo_user.name,
                language=demo_user.language,
                role=demo_user.role,
            )
            user.password = hashed_password
            user.is_superuser = demo_user.superuser
            # The expo's own (reserved) addresses: nobody is there to click a link.
            user.email_verified_at = timezone.now()
            user.save(update_fields=["password", "is_superuser", "email_verified_at"])
        if demo_user.owns_first_exhibitor:
            membership_add(exhibitor=first_exhibitor, user=user, role=Membership.Role.OWNER)
        report("demo users", done, len(DEMO_USERS))


def _summary(expo: Expo, *, sessions_added: int, moved_days: int) -> DemoSummary:
    sessions = Session.objects.filter(expo=expo)
    by_status = dict(sessions.order_by().values_list("status").annotate(count=Count("id")))
    # A copy shares the venues and partners of the edition that was loaded first.
    owner = expo if expo.venues.exists() else Expo.objects.get(slug=EXPO_SLUG)
    return DemoSummary(
        starts_on=expo.starts_on,
        ends_on=expo.ends_on,
        venues=owner.venues.count(),
        entrances=Entrance.objects.filter(venue__expo=owner).count(),
        themes=Theme.objects.count(),
        exhibitions=owner.exhibitions.count(),
        exhibitors=owner.exhibitors.count(),
        stands=Stand.objects.filter(exhibitor__expo=owner).count(),
        sessions=sum(by_status.values()),
        published_sessions=by_status.get(Session.Status.PUBLISHED, 0),
        cancelled_sessions=by_status.get(Session.Status.CANCELLED, 0),
        demo_users=User.objects.filter(email__in=[user.email for user in DEMO_USERS]).count(),
        sessions_added=sessions_added,
        moved_days=moved_days,
    )
