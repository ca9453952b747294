"""Signed ticket codes: what a ticket's QR carries and what the gates check
(docs/architecture.md, invariant 5).

A code proves on its own, with no database and no network, that the expo issued this
ticket for this session: it is an Ed25519 signature over the ticket and session ids.
Whether the ticket is still usable (cancelled, already inside) is the scan service's
business; cancelled ids reach offline scanners through the revocation list.

Format, version 1 — a browser-side offline verifier is written against this::

    H22 1 <KEY_ID> . <BODY>            (no spaces; ~140 characters in all)

- Alphabet: only ``A-Z``, ``0-9`` and ``.``. All are in the QR alphanumeric mode (a
  smaller, sturdier QR than byte mode), and they sit on the same keys in US and Swedish
  keyboard layouts, which matters because hand scanners *type* the code.
- ``H22``: fixed prefix. ``1``: format version, one digit.
- ``KEY_ID``: 1-8 characters of ``A-Z0-9`` naming the signing key, so keys can rotate:
  look it up among the published keys (``GET /api/v1/scans/keys/``); old keys stay
  published so tickets already sent still verify. Key ids are case-insensitive and
  always written in upper case (the embedded dev key is ``DEV``).
- ``.``: separator (never in a key id or in base32).
- ``BODY``: RFC 4648 base32 (alphabet ``A-Z2-7``), upper case, no padding, exactly 128
  characters = 80 bytes:

  ======  ==========================================================
  bytes   content
  ======  ==========================================================
  0-7     ticket id, unsigned 64-bit big-endian (``BigInt`` in JS)
  8-15    session id, unsigned 64-bit big-endian
  16-79   Ed25519 signature (RFC 8032, pure Ed25519, no pre-hash)
  ======  ==========================================================

- Signed message: the ASCII header up to and including the ``.`` (e.g. ``H221DEV.``)
  followed by body bytes 0-15. Signing the header binds version and key id, so a
  signature cannot be replayed under another key id.
- Readers strip surrounding whitespace (a hand scanner ends with Enter), upper-case
  (some scanners send lower case), and refuse anything over 200 characters or not
  ASCII before decoding anything. Public keys are published as base64 of the raw
  32-byte key (WebCrypto: ``importKey("raw", bytes, {name: "Ed25519"}, ...)``).

Test vector (private key = bytes 0..31, i.e. ``AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=``;
public key ``A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=``; key id ``EXAMPLE``;
ticket 123456, session 42)::

    H221EXAMPLE.AAAAAAAAAHREAAAAAAAAAAAAFKKYT4IZQMKOY63UYQVD27BMNJIQEFUOKZQ3XTCLJTK2
    HU7KCDG64NHSLJJ3YATNIK3MXEPK2Z4MXCRKRMKIWEXER7NSNHS7QGDFGZYJ

(one line in reality; the break is only for this docstring.)

Keys come from settings: ``TICKET_SIGNING_KEY`` (``[key_id:]base64`` of the raw
32-byte private key) or ``TICKET_SIGNING_KEY_FILE`` (one ``key_id:base64`` a line, the
first is current, the rest only verify). With neither, a dev key derived from
``SECRET_KEY``, only where ``TICKET_SIGNING_DEV_KEY_ALLOWED`` (DEBUG on at start-up);
otherwise nothing is signed and ``manage.py check`` fails (expo/bookings/checks.py).
Keys are parsed once per process: restart after rotating.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CODE_PREFIX = "H22"
CODE_VERSION = "1"
# Generous over the ~140 a code needs, so a scanner's stray prefix or whitespace still
# fits, while a pasted novel is refused before any work is done on it.
MAX_CODE_LENGTH = 200
ALGORITHM = "Ed25519"
DEV_KEY_ID = "DEV"

_KEY_ID_RE = re.compile(r"[A-Z0-9]{1,8}", re.ASCII)
_PAYLOAD = struct.Struct(">QQ")
_UINT64_LIMIT = 2**64
# 16 payload bytes + 64 signature bytes = 80, a multiple of 5: base32 needs no padding
# and has no spare bits, so no two bodies decode to the same bytes.
_BODY_CHARS = 128
_CODE_V1_RE = re.compile(r"H221([A-Z0-9]{1,8})\.([A-Z2-7]{128})", re.ASCII)
_DEV_SEED_LABEL = b"h22-expo/ticket-signing/dev-key/v1\x00"


class InvalidTicketCode(Exception):
    """The code is not one this expo signed. ``reason`` says why, for logs and tests.

    Reasons: ``too_long``, ``malformed``, ``unsupported_version``, ``unknown_key``,
    ``bad_signature``. The scan API reports all of them as ``invalid_signature``.
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class TicketClaim:
    """What a verified code vouches for; the ticket may since have been cancelled."""

    ticket_id: int
    session_id: int
    key_id: str


@dataclass(frozen=True)
class _TicketKey:
    key_id: str
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    public_raw: bytes


@dataclass(frozen=True)
class _Keyring:
    keys: tuple[_TicketKey, ...]  # current first
    by_id: dict[str, _TicketKey]

    @property
    def current(self) -> _TicketKey:
        return self.keys[0]


# --- Signing and verifying --------------------------------------------------------------


def ticket_code_sign(*, ticket_id: int, session_id: int) -> str:
    """The code for a ticket, signed with the current key."""
    for name, value in (("ticket_id", ticket_id), ("session_id", session_id)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int")
        if not 0 <= value < _UINT64_LIMIT:
            raise ValueError(f"{name} out of range for a ticket code")
    key = _keyring().current
    header = f"{CODE_PREFIX}{CODE_VERSION}{key.key_id}."
    payload = _PAYLOAD.pack(ticket_id, session_id)
    signature = key.private_key.sign(header.encode("ascii") + payload)
    return header + base64.b32encode(payload + signature).decode("ascii")


def ticket_code_verify(code: str) -> TicketClaim:
    """Check a scanned code's signature against every configured key. Pure: no database.

    Raises ``InvalidTicketCode`` for anything that is not an intact code we signed.
    """
    if not isinstance(code, str):
        raise InvalidTicketCode("malformed")
    # Length first: scanner input is untrusted and this is the hot path at the gate.
    if len(code) > MAX_CODE_LENGTH:
        raise InvalidTicketCode("too_long")
    # Before upper(): some non-ASCII letters upper-case to ASCII ones ("ı" -> "I").
    if not code.isascii():
        raise InvalidTicketCode("malformed")
    text = code.strip().upper()
    if not text.startswith(CODE_PREFIX) or len(text) <= len(CODE_PREFIX):
        raise InvalidTicketCode("malformed")
    version = text[len(CODE_PREFIX)]
    if version != CODE_VERSION:
        raise InvalidTicketCode("unsupported_version" if version.isdigit() else "malformed")
    match = _CODE_V1_RE.fullmatch(text)
    if match is None:
        raise InvalidTicketCode("malformed")
    key_id, body = match.groups()
    key = _keyring().by_id.get(key_id)
    if key is None:
        raise InvalidTicketCode("unknown_key")
    raw = base64.b32decode(body)  # the regex already guarantees alphabet and length
    payload, signature = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    header = text[: match.start(2)]
    try:
        key.public_key.verify(signature, header.encode("ascii") + payload)
    except InvalidSignature:
        raise InvalidTicketCode("bad_signature") from None
    ticket_id, session_id = _PAYLOAD.unpack(payload)
    return TicketClaim(ticket_id=ticket_id, session_id=session_id, key_id=key_id)


def public_keys() -> list[dict]:
    """Every key that still verifies, current first, for offline scanners."""
    return [
        {
            "key_id": key.key_id,
            "algorithm": ALGORITHM,
            "public_key": base64.b64encode(key.public_raw).decode("ascii"),
            "current": index == 0,
        }
        for index, key in enumerate(_keyring().keys)
    ]


# --- Key management -----------------------------------------------------------------------


def ticket_signing_key_generate(*, key_id: str | None = None) -> str:
    """A new key line ``KEY_ID:base64``, usable as TICKET_SIGNING_KEY or in the key file.

    Without ``key_id`` the id is a fingerprint of the public key, so it never collides
    with an older key by accident.
    """
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes_raw()
    key_id = _clean_key_id(key_id, source="--key-id") if key_id else _fingerprint(public_raw)
    return f"{key_id}:{base64.b64encode(private_key.private_bytes_raw()).decode('ascii')}"


def ticket_signing_key_file_prepend(*, path: str | os.PathLike, key_line: str) -> str:
    """Make ``key_line`` the current key of a key file, keeping older keys below it.

    Older keys must stay so tickets already mailed still verify. The file is replaced
    atomically and kept private (0600). Returns the new key id. Running processes keep
    their keys until restarted.
    """
    path = Path(path)
    old_text = path.read_text(encoding="ascii") if path.exists() else ""
    old_keys = _parse_key_file(old_text, source=str(path)) if _key_lines(old_text) else ()
    new_key = _parse_key_line(key_line, source="new key")
    if any(key.key_id == new_key.key_id for key in old_keys):
        raise ValueError(f"key id {new_key.key_id} is already in {path}")
    if old_text and not old_text.endswith("\n"):
        old_text += "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{key_line.strip()}\n{old_text}")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return new_key.key_id


def _keyring() -> _Keyring:
    return _keyring_load(
        getattr(settings, "TICKET_SIGNING_KEY", ""),
        getattr(settings, "TICKET_SIGNING_KEY_FILE", ""),
        settings.SECRET_KEY,
        getattr(settings, "TICKET_SIGNING_DEV_KEY_ALLOWED", False),
    )


@functools.cache
def _keyring_load(
    signing_key: str, key_file: str, secret_key: str, dev_key_allowed: bool
) -> _Keyring:
    """Parse the keys once per distinct settings, so ``override_settings`` still works."""
    signing_key, key_file = signing_key.strip(), str(key_file).strip()
    if signing_key and key_file:
        raise ImproperlyConfigured(
            "Set TICKET_SIGNING_KEY or TICKET_SIGNING_KEY_FILE, not both "
            "(put old keys in the file, below the current one)."
        )
    if signing_key:
        keys = (_parse_key_line(signing_key, source="TICKET_SIGNING_KEY"),)
    elif key_file:
        path = Path(key_file).expanduser()
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImproperlyConfigured(
                f"TICKET_SIGNING_KEY_FILE {path} cannot be read: {exc}"
            ) from exc
        keys = _parse_key_file(text, source=f"TICKET_SIGNING_KEY_FILE {path}")
    else:
        if not dev_key_allowed:
            # A key anyone could derive from defaults would let them forge tickets.
            raise ImproperlyConfigured(
                "TICKET_SIGNING_KEY (or TICKET_SIGNING_KEY_FILE) is not set. With DEBUG off "
                "tickets are signed only with a key of your own: "
                "python manage.py generate_ticket_key."
            )
        seed = hashlib.sha256(_DEV_SEED_LABEL + secret_key.encode()).digest()
        keys = (_ticket_key(DEV_KEY_ID, Ed25519PrivateKey.from_private_bytes(seed)),)
    return _Keyring(keys=keys, by_id={key.key_id: key for key in keys})


def _key_lines(text: str) -> list[str]:
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def _parse_key_file(text: str, *, source: str) -> tuple[_TicketKey, ...]:
    lines = _key_lines(text)
    if not lines:
        raise ImproperlyConfigured(f"{source} holds no keys.")
    keys = tuple(
        _parse_key_line(line, source=f"{source} key line {number}")
        for number, line in enumerate(lines, start=1)
    )
    key_ids = [key.key_id for key in keys]
    if len(set(key_ids)) != len(key_ids):
        raise ImproperlyConfigured(f"{source} lists a key id twice.")
    return keys


def _parse_key_line(line: str, *, source: str) -> _TicketKey:
    """``[key_id:]base64``; error messages never echo the key material."""
    key_id, sep, encoded = line.strip().rpartition(":")
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{source}: the key is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{source}: an Ed25519 private key is 32 bytes.")
    private_key = Ed25519PrivateKey.from_private_bytes(raw)
    if sep:
        key_id = _clean_key_id(key_id, source=source)
    else:
        key_id = _fingerprint(private_key.public_key().public_bytes_raw())
    return _ticket_key(key_id, private_key)


def _clean_key_id(key_id: str, *, source: str) -> str:
    cleaned = key_id.strip().upper()
    if not _KEY_ID_RE.fullmatch(cleaned):
        raise ImproperlyConfigured(f"{source}: a key id is 1-8 letters A-Z or digits.")
    return cleaned


def _fingerprint(public_raw: bytes) -> str:
    return base64.b32encode(hashlib.sha256(public_raw).digest()).decode("ascii")[:6]


def _ticket_key(key_id: str, private_key: Ed25519PrivateKey) -> _TicketKey:
    public_key = private_key.public_key()
    return _TicketKey(
        key_id=key_id,
        private_key=private_key,
        public_key=public_key,
        public_raw=public_key.public_bytes_raw(),
    )
