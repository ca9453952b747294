"""The demo expo as plain data: which partners, stands, exhibitions and sessions exist.

Pure and deterministic (seeded random numbers, no database), so that every run plans
the same rows and the loader only has to insert what is missing. Scale N plans N
"rounds" of programme, each with its own block of 100 partners; round 0 is the same at
every scale, so a bigger scale only adds to a smaller one.

Day patterns (weekends, Tuesdays…) are those of the real expo, 30 May – 3 July 2022;
moving the start moves every date by the same number of days.
"""

import itertools
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from expo.demo import content
from expo.events.models import Session

Kind, Language, Status = Session.Kind, Session.Language, Session.Status

REAL_START = date(2022, 5, 30)  # a Monday
EXPO_DAYS = 35  # 30 May – 3 July 2022
EXPO_ZONE = ZoneInfo("Europe/Stockholm")
PARTNERS_PER_ROUND = 100
BOOKING_OPENS_BEFORE = timedelta(days=14)
WORKSHOP_BOOKING_CLOSES_BEFORE = timedelta(hours=2)  # hosts prepare material per seat

TALKS_PER_ROUND = 150
WORKSHOPS_PER_ROUND = 70
DEMOS_PER_ROUND = 80

# 6 June (national day) and 24 June (midsummer eve) are days off, so they get the
# weekend programme.
HOLIDAYS = (7, 25)
WEEKEND_DAYS = tuple(day for day in range(EXPO_DAYS) if day % 7 in (5, 6) or day in HOLIDAYS)
TUESDAY, THURSDAY, SATURDAY = 1, 3, 5


@dataclass(frozen=True)
class StandPlan:
    venue_slug: str
    code: str
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class ExhibitorPlan:
    slug: str
    name: str
    sector: str
    description_sv: str
    description_en: str
    website: str
    contact_email: str
    contact_phone: str
    stands: tuple[StandPlan, ...]


@dataclass(frozen=True)
class ExhibitionPlan:
    slug: str
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    venue_slug: str
    starts_on: date
    ends_on: date
    theme_slugs: tuple[str, ...]


@dataclass(frozen=True)
class SessionPlan:
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    kind: str
    language: str
    venue_slug: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    max_party_size: int
    booking_opens_at: datetime
    booking_closes_at: datetime | None
    no_show_release_minutes: int | None
    status: str
    status_reason: str
    theme_slugs: tuple[str, ...]
    exhibition_slug: str | None = None
    host_slug: str | None = None


@dataclass(frozen=True)
class DemoPlan:
    starts_on: date
    ends_on: date
    exhibitors: tuple[ExhibitorPlan, ...]
    exhibitions: tuple[ExhibitionPlan, ...]
    sessions: tuple[SessionPlan, ...]


@dataclass(frozen=True)
class _Item:
    """One programme item before it is repeated into timed sessions."""

    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    kind: str
    language: str
    venue_slug: str
    minutes: int
    capacity: int
    max_party_size: int
    theme_slugs: tuple[str, ...]
    slots: tuple[tuple[int, time], ...]  # (day of the expo, local start time)
    exhibition_slug: str | None = None
    host_slug: str | None = None
    no_show_release_minutes: int | None = None
    booking_closes_before: timedelta | None = None


def demo_plan(*, scale: int, start: date) -> DemoPlan:
    """Everything the demo expo holds, with the first day on `start`."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    exhibitors = _exhibitor_plans(count=PARTNERS_PER_ROUND * scale)
    titles = _UniqueTitles()
    sessions: list[SessionPlan] = []
    for round_no in range(scale):
        rng = random.Random(f"h22-demo-programme-{round_no}")
        block = exhibitors[round_no * PARTNERS_PER_ROUND : (round_no + 1) * PARTNERS_PER_ROUND]
        for item in _programme_items(rng=rng, partners=block, titles=titles):
            sessions.extend(_sessions_of(item, start=start, rng=rng))
    return DemoPlan(
        starts_on=start,
        ends_on=start + timedelta(days=EXPO_DAYS - 1),
        exhibitors=tuple(exhibitors),
        exhibitions=tuple(_exhibition_plan(fact, start) for fact in content.EXHIBITIONS),
        sessions=tuple(sessions),
    )


# --- Partners ----------------------------------------------------------------------


def _exhibitor_plans(*, count: int) -> list[ExhibitorPlan]:
    """The hand-written organisations first, then invented ones, always in the same order."""
    stand_numbers: dict[str, int] = defaultdict(int)
    plans: list[ExhibitorPlan] = []
    slugs: set[str] = set()
    for fact in _organisation_facts(count):
        slug = _unique_slug(fact.name, slugs)
        # One generator per partner, so adding partners never changes earlier ones.
        rng = random.Random(zlib.crc32(slug.encode()))
        sector_topics = content.TOPICS[fact.sector]
        topic_sv, topic_en = sector_topics[rng.randrange(len(sector_topics))]
        template_sv, template_en = content.SECTOR_DESCRIPTIONS[fact.sector]
        plans.append(
            ExhibitorPlan(
                slug=slug,
                name=fact.name,
                sector=fact.sector,
                description_sv=fact.description_sv
                or template_sv.format(name=fact.name, topic=topic_sv),
                description_en=fact.description_en
                or template_en.format(name=fact.name, topic=topic_en),
                website=f"https://{slug}.example",
                contact_email=f"info@{slug}.example",
                contact_phone=f"042-{rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                stands=_stand_plans(rng, stand_numbers),
            )
        )
    return plans


def _organisation_facts(count: int):
    yield from content.ORGANISATIONS[:count]
    invented = [
        (prefix, core, sector)
        for prefix in content.NAME_PREFIXES
        for core, sector in content.NAME_CORES
    ]
    random.Random("h22-demo-partner-names").shuffle(invented)
    needed = count - len(content.ORGANISATIONS)
    for index in range(max(needed, 0)):
        prefix, core, sector = invented[index % len(invented)]
        lap = index // len(invented)
        form = content.NAME_FORMS[zlib.crc32(f"{prefix}{core}".encode()) % len(content.NAME_FORMS)]
        if lap == 0:
            name = f"{prefix}{core} {form}"
        elif lap <= len(content.DISTRICTS):
            name = f"{prefix}{core} {content.DISTRICTS[lap - 1]} {form}"
        else:
            name = f"{prefix}{core} {lap} {form}"
        yield content.OrganisationFact(name=name, sector=sector)


def _stand_plans(rng: random.Random, stand_numbers: dict[str, int]) -> tuple[StandPlan, ...]:
    """One stand, sometimes two in different areas, numbered per venue (A-01, A-02…)."""
    areas = dict(content.STAND_AREAS)
    stands = []
    for _ in range(2 if rng.random() < 0.3 else 1):
        venue_slug = rng.choices(list(areas), weights=[share for _, share in areas.values()])[0]
        prefix, _ = areas.pop(venue_slug)
        stand_numbers[venue_slug] += 1
        opens, closes = rng.choice(content.STAND_HOURS)
        stands.append(
            StandPlan(
                venue_slug=venue_slug,
                code=f"{prefix}-{stand_numbers[venue_slug]:02d}",
                opens_at=time(opens),
                closes_at=time(closes),
            )
        )
    return tuple(stands)


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:45].strip("-")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


# --- Exhibitions and programme ------------------------------------------------------


def _exhibition_plan(fact: content.ExhibitionFact, start: date) -> ExhibitionPlan:
    return ExhibitionPlan(
        slug=fact.slug,
        title_sv=fact.title_sv,
        title_en=fact.title_en,
        description_sv=fact.description_sv,
        description_en=fact.description_en,
        venue_slug=fact.venue_slug,
        starts_on=start + timedelta(days=fact.first_day),
        ends_on=start + timedelta(days=fact.last_day),
        theme_slugs=fact.themes,
    )


class _UniqueTitles:
    """Keeps titles unique across the programme, so a title names one programme item."""

    def __init__(self):
        self._taken: set[str] = set()

    def claim(self, title_sv: str, title_en: str, host_name: str = "") -> tuple[str, str]:
        for candidate_sv, candidate_en in self._variants(title_sv, title_en, host_name):
            if candidate_sv not in self._taken:
                self._taken.add(candidate_sv)
                return candidate_sv, candidate_en
        raise AssertionError("unreachable: the variants never run out")

    @staticmethod
    def _variants(title_sv: str, title_en: str, host_name: str):
        yield title_sv, title_en
        if host_name:
            yield f"{title_sv} – {host_name}", f"{title_en} – {host_name}"
        for number in itertools.count(2):
            yield f"{title_sv} ({number})", f"{title_en} ({number})"


def _programme_items(*, rng: random.Random, partners: list[ExhibitorPlan], titles: _UniqueTitles):
    hosts = _HostRotation(partners)
    yield from _landmark_tours(titles)
    yield from _exhibition_tours(titles)
    yield from _talks(rng, hosts, titles)
    yield from _workshops(rng, hosts, titles)
    yield from _demos(rng, partners, titles)
    yield from _performances(rng, titles)


class _HostRotation:
    """Hands out partners of a sector in turn, so that hosting is spread over everyone."""

    def __init__(self, partners: list[ExhibitorPlan]):
        self._by_sector: dict[str, list[ExhibitorPlan]] = defaultdict(list)
        for partner in partners:
            self._by_sector[partner.sector].append(partner)
        self._turn: dict[str, int] = defaultdict(int)

    def next(self, sector: str) -> ExhibitorPlan | None:
        partners = self._by_sector.get(sector)
        if not partners:
            return None
        partner = partners[self._turn[sector] % len(partners)]
        self._turn[sector] += 1
        return partner


def _landmark_tours(titles: _UniqueTitles):
    """Hourly tours 10–17 on weekends and holidays, plus an English tour twice a day."""
    hourly = tuple((day, time(hour)) for day in WEEKEND_DAYS for hour in range(10, 18))
    for tour in content.LANDMARK_TOURS:
        yield _signature_item(tour, Kind.TOUR, titles, slots=hourly, max_party_size=8)
    twice = tuple((day, time(hour)) for day in WEEKEND_DAYS for hour in (12, 15))
    yield _signature_item(content.ENGLISH_TOUR, Kind.TOUR, titles, slots=twice, max_party_size=6)


def _exhibition_tours(titles: _UniqueTitles):
    """Guided viewings on Tuesdays and Thursdays at 14, Saturdays at 11 and 14."""
    title_sv, title_en = content.EXHIBITION_TOUR_TITLE
    text_sv, text_en = content.EXHIBITION_TOUR_TEXT
    for fact in content.EXHIBITIONS:
        slots = []
        for day in range(fact.first_day, fact.last_day + 1):
            if day % 7 in (TUESDAY, THURSDAY):
                slots.append((day, time(14)))
            elif day % 7 == SATURDAY:
                slots += [(day, time(11)), (day, time(14))]
        unique_sv, unique_en = titles.claim(
            title_sv.format(sv=fact.title_sv), title_en.format(en=fact.title_en)
        )
        yield _Item(
            title_sv=unique_sv,
            title_en=unique_en,
            description_sv=text_sv.format(sv=fact.title_sv),
            description_en=text_en.format(en=fact.title_en),
            kind=Kind.TOUR,
            language=Language.SV,
            venue_slug=fact.venue_slug,
            minutes=45,
            capacity=20,
            max_party_size=6,
            theme_slugs=fact.themes,
            slots=tuple(slots),
            exhibition_slug=fact.slug,
        )


def _talks(rng: random.Random, hosts: _HostRotation, titles: _UniqueTitles):
    """Talks on one or two days: breakfast at 8, lunch at 12, afternoon or evening."""
    for index in range(TALKS_PER_ROUND):
        sector = content.SECTORS[index % len(content.SECTORS)]
        topic_sv, topic_en = rng.choice(content.TOPICS[sector])
        template_sv, template_en = rng.choice(content.TALK_TITLES)
        if template_sv.startswith("Frukost"):
            start, minutes = time(8), 60
        elif template_sv.startswith("Kväll"):
            start, minutes = rng.choice((time(18), time(19))), 75
        else:
            start, minutes = rng.choice(((time(12), 45), (time(16), 60), (time(18), 75)))
        host = hosts.next(sector) if rng.random() < 0.6 else None
        who_sv, who_en = (host.name, host.name) if host else content.CITY_HOST
        text_sv, text_en = rng.choice(content.TALK_TEXTS)
        title_sv, title_en = titles.claim(
            _fill(template_sv, topic_sv),
            _fill(template_en, topic_en),
            host.name if host else "",
        )
        days = sorted(rng.sample(range(EXPO_DAYS), rng.choice((1, 1, 2))))
        yield _Item(
            title_sv=title_sv,
            title_en=title_en,
            description_sv=_capitalised(text_sv.format(who=who_sv, sv=topic_sv)),
            description_en=_capitalised(text_en.format(who=who_en, en=topic_en)),
            kind=Kind.TALK,
            language=Language.EN if rng.random() < 0.2 else Language.SV,
            venue_slug=rng.choice(content.TALK_VENUES),
            minutes=minutes,
            capacity=rng.choice((40, 60, 80, 100, 150, 200, 300)),
            max_party_size=rng.choice((6, 8)),
            theme_slugs=content.SECTOR_THEMES[sector],
            slots=tuple((day, start) for day in days),
            host_slug=host.slug if host else None,
        )


def _workshops(rng: random.Random, hosts: _HostRotation, titles: _UniqueTitles):
    """A week of daily workshops, Monday to Friday, at the same hour.

    Workshops have few seats, so seats not checked in soon after the start are released.
    """
    for index in range(WORKSHOPS_PER_ROUND):
        sector = content.SECTORS[index % len(content.SECTORS)]
        topic_sv, topic_en = rng.choice(content.TOPICS[sector])
        template_sv, template_en = rng.choice(content.WORKSHOP_TITLES)
        host = hosts.next(sector) if rng.random() < 0.7 else None
        who_sv, who_en = (host.name, host.name) if host else content.CITY_HOST
        release = rng.choice((10, 15))
        venue_slug = rng.choice(content.WORKSHOP_VENUES)
        if host and host.stands[0].venue_slug in content.WORKSHOP_VENUES:
            venue_slug = host.stands[0].venue_slug
        title_sv, title_en = titles.claim(
            _fill(template_sv, topic_sv),
            _fill(template_en, topic_en),
            host.name if host else "",
        )
        monday = 7 * rng.randrange(5)
        start = rng.choice((time(10), time(13), time(15)))
        text_sv, text_en = content.WORKSHOP_TEXT
        yield _Item(
            title_sv=title_sv,
            title_en=title_en,
            description_sv=text_sv.format(sv=topic_sv, who=who_sv, release=release),
            description_en=text_en.format(en=topic_en, who=who_en, release=release),
            kind=Kind.WORKSHOP,
            language=Language.SV,
            venue_slug=venue_slug,
            minutes=90,
            capacity=rng.choice((10, 12, 15, 20, 25)),
            max_party_size=rng.choice((2, 3, 4)),
            theme_slugs=content.SECTOR_THEMES[sector],
            slots=tuple((monday + weekday, start) for weekday in range(5)),
            host_slug=host.slug if host else None,
            no_show_release_minutes=release,
            booking_closes_before=WORKSHOP_BOOKING_CLOSES_BEFORE,
        )


def _demos(rng: random.Random, partners: list[ExhibitorPlan], titles: _UniqueTitles):
    """Short demos at a partner's own stand, at 11 and 14 on three days of one week."""
    exhibitions_by_venue = defaultdict(list)
    for fact in content.EXHIBITIONS:
        exhibitions_by_venue[fact.venue_slug].append(fact)
    for index in range(DEMOS_PER_ROUND):
        host = partners[index % len(partners)]
        stand = host.stands[0]
        topic_sv, topic_en = rng.choice(content.TOPICS[host.sector])
        template_sv, template_en = rng.choice(content.DEMO_TITLES)
        title_sv, title_en = titles.claim(
            _fill(template_sv, topic_sv),
            _fill(template_en, topic_en),
            host.name,
        )
        themes = content.SECTOR_THEMES[host.sector]
        exhibition = next(
            (
                fact
                for fact in exhibitions_by_venue[stand.venue_slug]
                if set(fact.themes) & set(themes)
            ),
            None,
        )
        week = 7 * rng.randrange(5)
        days = sorted(week + weekday for weekday in rng.sample(range(7), 3))
        if exhibition and not exhibition.first_day <= days[0] <= days[-1] <= exhibition.last_day:
            exhibition = None  # a demo belongs to an exhibition only while that is open
        text_sv, text_en = content.DEMO_TEXT
        yield _Item(
            title_sv=title_sv,
            title_en=title_en,
            description_sv=text_sv.format(who=host.name, sv=topic_sv, stand=stand.code),
            description_en=text_en.format(who=host.name, en=topic_en, stand=stand.code),
            kind=Kind.DEMO,
            language=Language.SV,
            venue_slug=stand.venue_slug,
            minutes=30,
            capacity=rng.choice((10, 15, 20, 30, 40)),
            max_party_size=rng.choice((4, 5, 6)),
            theme_slugs=themes,
            slots=tuple((day, hour) for day in days for hour in (time(11), time(14))),
            exhibition_slug=exhibition.slug if exhibition else None,
            host_slug=host.slug,
        )


def _performances(rng: random.Random, titles: _UniqueTitles):
    """Evening shows on two to four weekend days."""
    for performance in content.PERFORMANCES:
        days = sorted(rng.sample(WEEKEND_DAYS, rng.choice((2, 3, 4))))
        start = rng.choice((time(19), time(19, 30), time(20)))
        yield _signature_item(
            performance,
            Kind.PERFORMANCE,
            titles,
            slots=tuple((day, start) for day in days),
            max_party_size=8,
        )


def _signature_item(
    fact: content.SignatureItem,
    kind: str,
    titles: _UniqueTitles,
    *,
    slots: tuple[tuple[int, time], ...],
    max_party_size: int,
) -> _Item:
    title_sv, title_en = titles.claim(fact.title_sv, fact.title_en)
    return _Item(
        title_sv=title_sv,
        title_en=title_en,
        description_sv=fact.description_sv,
        description_en=fact.description_en,
        kind=kind,
        language=fact.language,
        venue_slug=fact.venue_slug,
        minutes=fact.minutes,
        capacity=fact.capacity,
        max_party_size=max_party_size,
        theme_slugs=fact.themes,
        slots=slots,
    )


# --- Sessions -----------------------------------------------------------------------


def _sessions_of(item: _Item, *, start: date, rng: random.Random):
    """One session per slot, in Stockholm local time; a few cancelled or not yet approved."""
    for day, clock in item.slots:
        starts_at = datetime.combine(start + timedelta(days=day), clock, tzinfo=EXPO_ZONE)
        status, reason = _session_status(rng, hosted=item.host_slug is not None)
        yield SessionPlan(
            title_sv=item.title_sv,
            title_en=item.title_en,
            description_sv=item.description_sv,
            description_en=item.description_en,
            kind=item.kind,
            language=item.language,
            venue_slug=item.venue_slug,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=item.minutes),
            capacity=item.capacity,
            max_party_size=min(item.max_party_size, item.capacity),
            booking_opens_at=starts_at - BOOKING_OPENS_BEFORE,
            booking_closes_at=(
                starts_at - item.booking_closes_before if item.booking_closes_before else None
            ),
            no_show_release_minutes=item.no_show_release_minutes,
            status=status,
            status_reason=reason,
            theme_slugs=item.theme_slugs,
            exhibition_slug=item.exhibition_slug,
            host_slug=item.host_slug,
        )


def _session_status(rng: random.Random, *, hosted: bool) -> tuple[str, str]:
    """About 2 % cancelled; a few sessions proposed by partners still await approval."""
    draw = rng.random()
    if draw < 0.02:
        return Status.CANCELLED, content.CANCELLED_REASON
    if hosted and draw < 0.035:
        return Status.PENDING, ""
    if hosted and draw < 0.04:
        return Status.DRAFT, ""
    return Status.PUBLISHED, ""


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, topic: str) -> str:
    """Put a lower-case topic into a title, capitalised where it starts a phrase."""
    placeholder = template.index("{")
    starts_phrase = placeholder == 0 or template[placeholder - 2 : placeholder] == ": "
    if starts_phrase:
        topic = _capitalised(topic)
    return template.format(sv=topic, en=topic)
