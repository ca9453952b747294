"""Where one booking and one scan spend their time: SQL statements and a profile.

In-process through Django's full request stack (middleware, DRF, the services), on
the bench database and Redis, as gunicorn would run them minus the socket:

    .venv/bin/python bench/profile_hot_paths.py [--requests 500]

Prints every SQL statement of one booking and one scan, then a pyinstrument profile
of `--requests` of each (saved as HTML under bench/results/).
"""

import argparse
import itertools
import uuid

from harness import RESULTS, fresh_database, setup_django


def _statements(client, call) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content
    return [query["sql"] for query in captured.captured_queries]


def _profile(name: str, calls) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        for call in calls:
            call()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"profile_{name}.html").write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    count = parser.parse_args().requests
    fresh_database()
    setup_django(ALLOWED_HOSTS="testserver")
    from django.test import Client
    from fixtures import rush_prepare

    rush = rush_prepare(
        visitors=count + 1, tickets=count + 1, gates=1, spread=10, progress=lambda n: None
    )
    client = Client()
    tokens = iter(rush.visitor_tokens)
    codes = iter(rush.ticket_codes)

    def book():
        return client.post(
            "/api/v1/bookings/",
            {"session": rush.hot_session, "party_size": 1},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {next(tokens)}",
        )

    def scan():
        body = {
            "code": next(codes),
            "entrance": rush.entrances[0],
            "direction": "in",
            "nonce": uuid.uuid4().hex,
        }
        return client.post(
            "/api/v1/scans/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {rush.gate_tokens[0]}",
        )

    for name, call in (("booking", book), ("scan", scan)):
        statements = _statements(client, call)
        print(f"\n=== one {name}: {len(statements)} SQL statements")
        for number, sql in enumerate(statements, 1):
            print(f"{number:3}. {sql[:300]}")
        print(f"\n=== {count} {name}s")
        _profile(name, itertools.repeat(call, count))


if __name__ == "__main__":
    main()
