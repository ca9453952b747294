"""`manage.py load_demo [--scale N] [--start YYYY-MM-DD]`: the H22 City Expo demo data."""

import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from expo.demo.loader import DEMO_PASSWORD, DEMO_USERS, DemoSummary, demo_load


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic H22 City Expo: venues, themes, partners, "
        "exhibitions, about 2 000 sessions and demo logins. Safe to run again: it only adds "
        "what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N times the partners and sessions, for benchmarks (default 1).",
        )
        parser.add_argument(
            "--start",
            help="First day of the expo, YYYY-MM-DD (default 2022-05-30, the real one). "
            "Every date moves with it, so the expo can be booked now.",
        )
        parser.add_argument(
            "--as-copy",
            action="store_true",
            help="Load the programme from --start as a second edition next to the real "
            "2022 one (same venues and partners), as `make demo` does.",
        )

    def handle(self, *args, scale, start, as_copy, verbosity, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        first_day = _parse_start(start)
        began = time.monotonic()
        # tqdm needs the raw stream: Django's wrapper would colour and end every redraw.
        bar_stream = options.get("stderr") or sys.stderr
        with _StepBars(bar_stream, enabled=verbosity > 0) as progress:
            summary = demo_load(scale=scale, start=first_day, progress=progress, as_copy=as_copy)
        self._print_summary(summary, seconds=time.monotonic() - began)

    def _print_summary(self, summary: DemoSummary, *, seconds: float) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                f"H22 City Expo {summary.starts_on} – {summary.ends_on} loaded in {seconds:.1f} s"
                f" ({summary.sessions_added} sessions added"
                + (f", moved {summary.moved_days:+d} days" if summary.moved_days else "")
                + ")."
            )
        )
        for label, count in (
            ("venues", summary.venues),
            ("entrances", summary.entrances),
            ("themes", summary.themes),
            ("exhibitions", summary.exhibitions),
            ("exhibitors", summary.exhibitors),
            ("stands", summary.stands),
            ("sessions", summary.sessions),
            ("  published", summary.published_sessions),
            ("  cancelled", summary.cancelled_sessions),
        ):
            write(f"  {label:<14}{count:>7}")
        write(f"Demo logins (password {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            write(f"  {user.email:<26}{user.role}")


def _parse_start(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--start must be a date written YYYY-MM-DD, e.g. 2022-05-30; got {value!r}."
        ) from None


class _StepBars:
    """One tqdm bar per step of the load, fed by demo_load's progress(step, done, total)."""

    def __init__(self, stream, *, enabled: bool):
        self._stream = stream
        # None lets tqdm hide the bars when the output is not a terminal (logs, tests).
        self._disable = None if enabled else True
        self._step = None
        self._bar = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self._step:
            self._close_bar()
            self._step = step
            self._bar = tqdm(
                total=total,
                desc=f"{step:<15}",
                unit="row",
                file=self._stream,
                disable=self._disable,
            )
        self._bar.total = total
        self._bar.update(done - self._bar.n)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._close_bar()

    def _close_bar(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
