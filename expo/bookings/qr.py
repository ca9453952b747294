"""QR images of ticket codes, for the ticket e-mail, the printable tickets and
``/api/v1/tickets/{id}/qr.png``: one image per code, rendered once and kept in the cache.

A ticket's code is Ed25519-signed, and Ed25519 signatures are deterministic, so the code
of a ticket never changes while its signing key stays: the image is kept under the code
itself (a new key makes a new code, hence a new image). A cached image of a cancelled
ticket is harmless: whether a ticket is still valid is decided where it is shown (the
mail carries only valid tickets) and at the gate (the revocation list).
"""

import hashlib
import io
import logging

import qrcode
import redis
from django.core.cache import cache
from PIL import Image

from expo.core.throttling import CACHE_UNAVAILABLE_ERRORS

logger = logging.getLogger(__name__)

# Unreachable, or refusing writes (a Redis at its memory limit answers OOM): either way
# the images are drawn here and the mail goes out.
CACHE_ERRORS = (*CACHE_UNAVAILABLE_ERRORS, redis.RedisError)

BOX_SIZE = 8
BORDER = 4
# Any of the eight masks gives a valid symbol; trying all eight for the one a scanner
# likes best was two thirds of the render. 4 scores best on average over random ticket
# codes by the standard's penalty rules.
MASK_PATTERN = 4
# Long enough to outlast the expo and its reminders; the cache may evict sooner.
CACHE_SECONDS = 60 * 24 * 60 * 60
# In the key: a change of how images are drawn must not serve the old drawings.
CACHE_KEY_VERSION = "v1"


def ticket_qr_png(code: str) -> bytes:
    """PNG of a QR holding exactly ``code``, from the cache when it was drawn before."""
    return ticket_qr_pngs([code])[code]


def ticket_qr_pngs(codes: list[str]) -> dict[str, bytes]:
    """PNGs of several codes with one cache round trip; those not cached are drawn and kept.

    The cache is an optimisation only: unreachable, every image is drawn here.
    """
    keys = {_cache_key(code): code for code in codes}
    try:
        cached = cache.get_many(list(keys))
    except CACHE_ERRORS as exc:
        logger.warning("QR images not read from the cache: %r", exc)
        cached = {}
    images = {keys[key]: png for key, png in cached.items()}
    drawn = {key: _draw(code) for key, code in keys.items() if code not in images}
    if drawn:
        try:
            cache.set_many(drawn, timeout=CACHE_SECONDS)
        except CACHE_ERRORS as exc:
            logger.warning("QR images not kept in the cache: %r", exc)
        images.update((keys[key], png) for key, png in drawn.items())
    return images


def _cache_key(code: str) -> str:
    return f"ticket-qr:{CACHE_KEY_VERSION}:{hashlib.sha256(code.encode()).hexdigest()}"


def _draw(code: str) -> bytes:
    """The symbol, drawn one pixel a module and enlarged, then written as a 1-bit PNG.

    Error correction M survives a cracked phone screen or a creased print-out without
    making the symbol much denser; box 8 with the standard 4-module quiet zone keeps
    cheap gate cameras locking on quickly. Ticket codes use only QR alphanumeric
    characters, so the library picks the compact alphanumeric mode by itself.
    Enlarging the module grid in one resize gives the same pixels as drawing each module
    as a box, in a fraction of the time.
    """
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=BOX_SIZE,
        border=BORDER,
        mask_pattern=MASK_PATTERN,
    )
    qr.add_data(code)
    qr.make(fit=True)
    modules = qr.get_matrix()
    size = len(modules)
    grid = Image.frombytes(
        "L", (size, size), bytes(0 if dark else 255 for row in modules for dark in row)
    )
    image = grid.convert("1").resize((size * BOX_SIZE, size * BOX_SIZE), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
