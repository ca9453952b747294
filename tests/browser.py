"""Browser tests' shared kit: the system Chromium through Playwright, axe-core, screenshots.

Playwright never downloads a browser here: it drives `/usr/bin/chromium` (installed by
`make install`). Without it a test is skipped, except under CI (`CI` set), where a
missing browser fails the build instead of silently passing it. axe-core comes from the
npm registry (package.json, installed by `make install`).
"""

import io
import json
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Kept after the run for people to look at (CI keeps the folder as its artifacts).
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "var" / "test-artifacts"))


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@contextmanager
def launched_chromium(*extra_args: str):
    """The system Chromium through Playwright's sync API, closed on the way out.

    The sync API runs the caller in a greenlet with context variables of its own, so the
    ORM calls a test makes meanwhile open database connections of their own too. They
    are closed here: left open, they keep the test database from being dropped.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed: pip install -e '.[dev]'")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def chromium(monkeypatch):
    """A launched browser; make pages with `browser_context(chromium, ...)`."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls a test
    # makes between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launched_chromium() as browser:
        yield browser


def browser_context(browser, *, viewport=PHONE, language: str = "en", **options):
    """A context whose pages ask for `language` (Accept-Language) at `viewport`.

    The site's Content-Security-Policy forbids the inline scripts axe-core is injected
    as, so the test context bypasses it; the policy itself is tested on its own.
    """
    context = browser.new_context(
        viewport=viewport,
        locale="sv-SE" if language == "sv" else "en-GB",
        extra_http_headers={"Accept-Language": language},
        bypass_csp=True,
        **options,
    )
    context.set_default_timeout(15_000)
    return context


def assert_no_serious_axe_violations(page, what: str) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical finding."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE}: npm install")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{what}: axe-core found\n{json.dumps(serious, indent=2)}"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under ARTIFACTS for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits(page, what: str) -> None:
    """Nothing scrolls sideways at the page's viewport width (360 px phones, 200 % zoom)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{what} scrolls sideways: {width}px wide at {viewport}px"


# --- A camera that films a QR code ----------------------------------------------------------

# Chromium on Linux has no BarcodeDetector (the shape detection API has no backend there),
# and the tests remove it wherever it exists: the pages then read the fake camera's frames
# through the barcode-detector ponyfill (WebAssembly, served by the site), as Firefox and
# Safari on iPhone do.
NO_NATIVE_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def qr_video(code: str, path: Path, *, width: int = 640, height: int = 480) -> Path:
    """A Y4M video (what Chromium's fake camera plays, in a loop) of a QR holding `code`."""
    from PIL import Image

    from expo.bookings.qr import ticket_qr_png

    qr = Image.open(io.BytesIO(ticket_qr_png(code))).convert("L")
    side = min(width, height) - 40
    qr = qr.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr, ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@contextmanager
def chromium_filming(video: Path):
    """A browser whose camera films `video`, camera permission granted without asking."""
    with launched_chromium(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ) as browser:
        yield browser


def without_native_barcode_detector(context) -> None:
    """The context's pages start with no `window.BarcodeDetector`, whatever this Chromium has."""
    context.add_init_script(NO_NATIVE_BARCODE_DETECTOR)
