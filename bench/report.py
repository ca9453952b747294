"""BENCHMARKS.md from one run of bench/run.py and the before/after record."""

import json

TARGETS = """\
- Booking, one hot session, 16 clients: at least 30 % of the raw-SQL hot-row rate, p99
  under 250 ms; at 64 clients the rate does not fall below the 16-client rate.
- Booking spread over 2 000 sessions: at least 15 % of the raw-SQL spread rate.
- Scans at 16 gates flat out: p99 under 100 ms; 32 gates at one scan a second each: p99
  under 25 ms.
- Reminders: 100 000 delivered by 2 workers into an SMTP sink in under 10 minutes, none
  twice, cost per mail flat from 10 000 to 100 000.
- In the same runs: 0 oversell, 0 double admission, 0 duplicate mail."""


BOOKING_NOTE = """\
"raw SQL" is pgbench in its default simple protocol, as in the issue's reference figures:
PostgreSQL parses and plans every statement. The product has PostgreSQL prepare the
statements a connection repeats (`DATABASE_PREPARED_STATEMENTS`), so at 16 clients the
same transaction is also run with `pgbench --protocol=prepared`, the fairer yardstick."""


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _latency(figures: dict) -> tuple:
    latency = figures.get("latency", {})
    return latency.get("p50_ms", "–"), latency.get("p99_ms", "–")


def _booking(report: dict) -> list[str]:
    lines = [
        "| scenario | clients | HTTP /s | p50 ms | p99 ms | raw SQL /s | HTTP ÷ raw "
        "| raw SQL prepared /s | HTTP ÷ prepared | answers |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in report["booking"].items():
        if "ratio" not in entry:
            continue
        kind, clients = name.rsplit("_", 1)
        http = entry["http"]
        lines.append(
            _row(
                [
                    "one hot session" if kind == "hot" else "spread over 2 000 sessions",
                    clients,
                    http["per_s"],
                    *_latency(http),
                    round(entry["raw_sql"]["per_s"]),
                    f"{entry['ratio']:.1%}",
                    round(entry["raw_sql_prepared"]["per_s"]) if "ratio_prepared" in entry else "–",
                    f"{entry['ratio_prepared']:.1%}" if "ratio_prepared" in entry else "–",
                    _answers(http["answers"]),
                ]
            )
        )
    crowd = report["booking"].get("flash_crowd")
    if crowd:
        lines += [
            "",
            f"Flash crowd, 500 visitors at the same instant on a 100-seat session: "
            f"{_answers(crowd['answers'])}; p99 {crowd['latency']['p99_ms']} ms.",
        ]
    return lines


def _answers(answers: dict) -> str:
    return ", ".join(f"{count} × {answer}" for answer, count in sorted(answers.items()))


def _scans(report: dict) -> list[str]:
    flat, busy = report["scans"]["flat_out_16"], report["scans"]["busy_gates_32"]
    return [
        "| scenario | HTTP /s | p50 ms | p99 ms | raw SQL /s | HTTP ÷ raw | answers |",
        "|---|---|---|---|---|---|---|",
        _row(
            [
                "16 gates flat out",
                flat["http"]["per_s"],
                *_latency(flat["http"]),
                round(flat["raw_sql"]["per_s"]),
                f"{flat['ratio']:.1%}",
                _answers(flat["http"]["answers"]),
            ]
        ),
        _row(
            [
                "32 gates, one scan a second each",
                busy["per_s"],
                *_latency(busy),
                "",
                "",
                _answers(busy["answers"]),
            ]
        ),
    ]


def _layouts(report: dict) -> list[str]:
    lines = [
        "| layout | booking hot, 16: /s, p99 ms | booking hot, 64: /s, p99 ms "
        "| scans, 16: /s, p99 ms |",
        "|---|---|---|---|",
    ]
    for layout, figures in report["layouts"].items():
        cells = [
            f"{f['per_s']}, {f['latency'].get('p99_ms', '–')}" + _failures(f["answers"])
            for f in figures.values()
        ]
        lines.append(_row([layout, *cells]))
    return lines


def _failures(answers: dict) -> str:
    failed = sum(count for answer, count in answers.items() if not answer.startswith("2"))
    return f" ({failed} failed)" if failed else ""


def _reminders(report: dict) -> list[str]:
    lines = [
        "| due reminders | queued in s | delivered in s | mails /s | ms a mail "
        "| workers' CPU ms a mail | twice | not sent |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in report["reminders"]["runs"]:
        delivered = run["deliver_s"] if run["completed"] else f"cut short ({run['deliver_s']})"
        lines.append(
            _row(
                [
                    run["count"],
                    run["queue_s"],
                    delivered,
                    run["mails_per_s"],
                    run["ms_per_mail"],
                    run["worker_cpu_ms_per_message"],
                    run["duplicates"],
                    run["not_sent"],
                ]
            )
        )
    return [
        report["reminders"]["scenario"] + ".",
        "",
        *lines,
        "",
        "Cost per mail as the count grows (ms): "
        + json.dumps(report["reminders"]["linearity"]["delivery_ms_per_message"]),
    ]


def _history(path) -> list[str]:
    if not path.exists():
        return ["No labelled runs yet."]
    lines = [
        "| change | date | booking hot 16: /s, p99, ÷ raw | hot 64: /s, p99 | spread 16: ÷ raw "
        "| scans 16: /s, p99 | busy gates p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in json.loads(path.read_text()):
        hot, hot64 = entry.get("booking_hot_16", {}), entry.get("booking_hot_64", {})
        spread, scan = entry.get("booking_spread_16", {}), entry.get("scans_16", {})
        lines.append(
            _row(
                [
                    entry["label"],
                    entry["date"],
                    f"{hot.get('per_s', '–')}, {hot.get('p99_ms', '–')} ms, "
                    f"{hot.get('ratio', 0):.1%}",
                    f"{hot64.get('per_s', '–')}, {hot64.get('p99_ms', '–')} ms",
                    f"{spread.get('ratio', 0):.1%}",
                    f"{scan.get('per_s', '–')}, {scan.get('p99_ms', '–')} ms",
                    f"{entry.get('scans_busy_32_p99_ms', '–')} ms",
                ]
            )
        )
    return lines


def render(report: dict, *, history_path) -> str:
    machine = report["machine"]
    sections = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (do not edit by hand). Figures from one run on this "
        "machine; every HTTP figure stands beside the same transaction as raw SQL "
        "(pgbench) at the same client count in the same run, so the ratio, not the rate, "
        "is what carries to another machine.",
        "",
        f"Run {report['started']} to {report['finished']}, commit {machine['commit']}: "
        f"{machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"{machine['postgresql']}, {machine['redis']}. "
        f"{report['seconds_per_figure']} s a figure.",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench      # installs, then runs bench/run.py: about 30 minutes; writes this file",
        "```",
        "",
        "It re-creates the scratch database `expo_bench` (`BENCH_DATABASE_URL`) and uses Redis "
        "db 13 (`BENCH_REDIS_URL`). The HTTP load is closed-loop aiohttp clients with a new "
        "TCP connection for every request (a phone on mobile data), each booking by a visitor "
        "who has not booked yet, each scan of a ticket not scanned yet. gunicorn runs from "
        "the product's own `gunicorn.conf.py`. `--only booking,scans` and `--quick` give "
        "a partial run; `--label` adds it to the record below. "
        "`bench/profile_hot_paths.py` prints the SQL and a profile of one booking and one scan.",
        "",
        "## Targets",
        "",
        TARGETS,
        "",
    ]
    if "booking" in report:
        sections += ["## Booking", "", BOOKING_NOTE, "", *_booking(report), ""]
    if "scans" in report:
        sections += ["## Scanning", "", *_scans(report), ""]
    if "layouts" in report:
        sections += [
            "## Server layout",
            "",
            "The same rush against gunicorn layouts on 2 cores (shorter runs).",
            "",
            *_layouts(report),
            "",
        ]
    if "reminders" in report:
        sections += ["## Reminders", "", *_reminders(report), ""]
    sections += [
        "## Correctness in the same run",
        "",
        *[f"- {name.replace('_', ' ')}: {value}" for name, value in report["correctness"].items()],
        "",
        "## Before and after each change",
        "",
        *_history(history_path),
        "",
    ]
    return "\n".join(sections)
