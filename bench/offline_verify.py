"""Offline ticket verification in the gate's browser: milliseconds per code.

The target is under 5 ms a code (bench/README.md). This loads the gate page's own script
(`expo/scanning/static/expo/gate.js`) into a bare page in headless system Chromium and
times `H22Gate.decideOffline`, the function the gate runs when the network is down:
parse, base32, Ed25519 through WebCrypto, revocation list, session at this venue and
time window, this device's admissions. The codes are signed by the project's own signer
(`ticket_codes.ticket_code_sign`). No database or server: Playwright serves the page.

`ms_per_code` is the wall time of the whole run divided by the count; the per-code
percentiles are only as fine as the page's `performance.now()`, which browsers coarsen
to 0.1 ms outside cross-origin-isolated pages.

    .venv/bin/python bench/offline_verify.py            # 2 000 codes
    BENCH_CODES=10000 .venv/bin/python bench/offline_verify.py
"""

import os
import random
import sys
from datetime import timedelta
from pathlib import Path

from harness import save

ROOT = Path(__file__).resolve().parent.parent
GATE_JS = ROOT / "expo" / "bookings" / "static" / "expo" / "gate.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CODES = int(os.environ.get("BENCH_CODES", 2000))
SESSIONS = 40  # sessions at the venue in the cached window
REVOKED = 20_000  # size of the revocation list the device holds
ORIGIN = "http://127.0.0.1:8765"  # a secure context (loopback), served by page.route

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"></head>
<body><script src="/gate.js"></script></body></html>"""

# Runs in the page: every code awaited one after another, as a gate scans them.
MEASURE = """
async ({codes, forged, keys, sessions, revoked, opensMinutes}) => {
  const coldStart = performance.now();
  const keyring = new H22Gate.Keyring().load(keys);
  await keyring.ready();
  const keyImportMs = performance.now() - coldStart;
  const facts = {
    keyring,
    revoked: new Set(revoked),
    sessions: new Map(sessions.map((s) => [String(s.id), s])),
    inside: new Map(),
    direction: "in",
    entranceMode: "entry_exit",
    now: new Date(),
    opensMinutes,
  };
  async function run(list, expected) {
    const each = [];
    const start = performance.now();
    for (const code of list) {
      const t0 = performance.now();
      const result = await H22Gate.decideOffline(code, facts);
      each.push(performance.now() - t0);
      if (result.status !== expected) throw new Error(code + ": " + JSON.stringify(result));
    }
    return {total: performance.now() - start, each};
  }
  await run(codes.slice(0, 200), "accepted");  // warm-up: JIT, WebCrypto
  const valid = await run(codes, "accepted");
  const bad = await run(forged, "rejected");
  const parseStart = performance.now();
  for (const code of codes) H22Gate.parseTicketCode(code);
  const parseMs = performance.now() - parseStart;
  return {keyImportMs, valid, bad, parseMs, userAgent: navigator.userAgent};
}
"""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fixtures() -> dict:
    from django.conf import settings
    from django.utils import timezone

    from expo.bookings.ticket_codes import public_keys, ticket_code_sign

    now = timezone.now()
    sessions = [
        {
            "id": 5_000 + index,
            "title": f"Session {index}",
            "starts_at": (now + timedelta(minutes=10)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "status": "published",
        }
        for index in range(SESSIONS)
    ]
    codes = [
        ticket_code_sign(ticket_id=1_000_000 + index, session_id=5_000 + index % SESSIONS)
        for index in range(CODES)
    ]
    rng = random.Random(22)

    def forge(code: str) -> str:
        at = rng.randrange(len(code) - 128, len(code))  # somewhere in the base32 body
        swap = "A" if code[at] != "A" else "B"
        return code[:at] + swap + code[at + 1 :]

    return {
        "codes": codes,
        "forged": [forge(code) for code in codes],
        "keys": public_keys(),
        "sessions": sessions,
        # Other tickets, so every valid code above goes the whole way to "accepted".
        "revoked": [str(2_000_000 + index) for index in range(REVOKED)],
        "opensMinutes": settings.SCAN_OPENS_MINUTES_BEFORE_START,
    }


def summary(run: dict) -> dict:
    each = sorted(run["each"])
    count = len(each)
    return {
        "count": count,
        "ms_per_code": round(run["total"] / count, 4),
        "p50_ms": round(each[count // 2], 4),
        "p99_ms": round(each[min(count - 1, round(0.99 * (count - 1)))], 4),
        "max_ms": round(each[-1], 4),
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    setup_django()
    data = fixtures()
    script = GATE_JS.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.route(
                f"{ORIGIN}/",
                lambda route: route.fulfill(body=PAGE, content_type="text/html"),
            )
            page.route(
                f"{ORIGIN}/gate.js",
                lambda route: route.fulfill(body=script, content_type="text/javascript"),
            )
            page.goto(f"{ORIGIN}/")
            page.wait_for_function("window.H22Gate !== undefined")
            measured = page.evaluate(MEASURE, data)
        finally:
            browser.close()
    report = {
        "what": "offline verification in the gate page's own verifier (decideOffline)",
        "browser": measured["userAgent"],
        "valid_codes": summary(measured["valid"]),
        "forged_codes": summary(measured["bad"]),
        "parse_only_ms_per_code": round(measured["parseMs"] / CODES, 4),
        "key_import_once_ms": round(measured["keyImportMs"], 2),
        "revocation_list_size": REVOKED,
        "target_ms_per_code": 5,
    }
    save("offline_verify", report)
    print(
        f"\noffline verification: {report['valid_codes']['ms_per_code']} ms/code "
        f"(p99 {report['valid_codes']['p99_ms']} ms) over {CODES} valid codes; "
        f"forged {report['forged_codes']['ms_per_code']} ms/code; target < 5 ms"
    )


if __name__ == "__main__":
    main()
