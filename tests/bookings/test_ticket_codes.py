"""Ticket codes cannot be forged or altered and verify offline
(docs/architecture.md, invariant 5).

Pure tests: no database. Keys are switched with ``override_settings``.
"""

import base64
import io
import re
from io import StringIO

import PIL.Image
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from expo.bookings import ticket_codes
from expo.bookings.qr import ticket_qr_png
from expo.bookings.ticket_codes import (
    InvalidTicketCode,
    TicketClaim,
    public_keys,
    ticket_code_sign,
    ticket_code_verify,
    ticket_signing_key_generate,
)

QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def key_line(key_id: str, fill: int) -> str:
    return f"{key_id}:{base64.b64encode(bytes([fill]) * 32).decode()}"


KEY_A = key_line("A2022", 1)
KEY_B = key_line("B2022", 2)


def reason_of(code) -> str:
    with pytest.raises(InvalidTicketCode) as caught:
        ticket_code_verify(code)
    return caught.value.reason


# --- Round trip and shape --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket_id", "session_id"),
    [(0, 0), (1, 1), (7, 99), (123_456, 42), (2**31, 2**32 + 5), (2**40, 2**40 - 1)]
    + [(n * 7919, n) for n in range(1, 200, 13)],
)
def test_sign_then_verify_round_trips(ticket_id, session_id):
    code = ticket_code_sign(ticket_id=ticket_id, session_id=session_id)

    assert ticket_code_verify(code) == TicketClaim(
        ticket_id=ticket_id, session_id=session_id, key_id="DEV"
    )


def test_largest_ids_fit():
    code = ticket_code_sign(ticket_id=2**64 - 1, session_id=2**63 - 1)

    assert ticket_code_verify(code).ticket_id == 2**64 - 1


@pytest.mark.parametrize(
    ("ticket_id", "error"), [(-1, ValueError), (2**64, ValueError), ("1", TypeError)]
)
def test_sign_refuses_ids_outside_the_format(ticket_id, error):
    with pytest.raises(error):
        ticket_code_sign(ticket_id=ticket_id, session_id=1)


@pytest.mark.parametrize("ticket_id", [0, 5, 2**40])
def test_code_is_short_and_qr_alphanumeric(ticket_id):
    code = ticket_code_sign(ticket_id=ticket_id, session_id=3)

    assert len(code) < 200
    assert set(code) <= set(QR_ALPHANUMERIC)
    assert re.fullmatch(r"H221DEV\.[A-Z2-7]{128}", code)


def test_docstring_test_vector_verifies():
    """The example in the module docstring is what the browser verifier is tested with."""
    private = base64.b64encode(bytes(range(32))).decode()
    code = (
        "H221EXAMPLE.AAAAAAAAAHREAAAAAAAAAAAAFKKYT4IZQMKOY63UYQVD27BMNJIQEFUOKZQ3XTCLJTK2"
        "HU7KCDG64NHSLJJ3YATNIK3MXEPK2Z4MXCRKRMKIWEXER7NSNHS7QGDFGZYJ"
    )
    with override_settings(TICKET_SIGNING_KEY=f"EXAMPLE:{private}"):
        assert ticket_code_sign(ticket_id=123456, session_id=42) == code
        assert ticket_code_verify(code) == TicketClaim(123456, 42, "EXAMPLE")
        assert public_keys()[0]["public_key"] == "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="


# --- Tampering -------------------------------------------------------------------------


def test_every_single_character_change_is_rejected():
    code = ticket_code_sign(ticket_id=4242, session_id=17)
    for position, original in enumerate(code):
        for replacement in QR_ALPHANUMERIC:
            if replacement == original:
                continue
            altered = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(InvalidTicketCode):
                ticket_code_verify(altered)


def test_changed_body_is_a_bad_signature():
    code = ticket_code_sign(ticket_id=4242, session_id=17)
    # Flip the last ticket-id character: the ids change, the signature no longer fits.
    position = len("H221DEV.") + 12
    replacement = "B" if code[position] != "B" else "C"

    assert reason_of(code[:position] + replacement + code[position + 1 :]) == "bad_signature"


def test_code_signed_by_another_key_is_rejected():
    with override_settings(TICKET_SIGNING_KEY=key_line("DEV", 9)):
        foreign = ticket_code_sign(ticket_id=1, session_id=1)

    assert foreign.startswith("H221DEV.")
    assert reason_of(foreign) == "bad_signature"


def test_unknown_key_id_is_rejected():
    with override_settings(TICKET_SIGNING_KEY=KEY_A):
        code = ticket_code_sign(ticket_id=1, session_id=1)

    assert reason_of(code) == "unknown_key"


def test_signature_cannot_be_moved_to_another_key_id(tmp_path):
    """The header is signed: relabelling a code with another configured id fails."""
    same_key_twice = tmp_path / "keys"
    same_key_twice.write_text(f"{KEY_A}\n{key_line('C2022', 1)}\n")
    with override_settings(TICKET_SIGNING_KEY=KEY_A):
        code = ticket_code_sign(ticket_id=1, session_id=1)
    relabelled = code.replace("A2022", "C2022", 1)

    with override_settings(TICKET_SIGNING_KEY_FILE=str(same_key_twice)):
        assert ticket_code_verify(code).key_id == "A2022"
        assert reason_of(relabelled) == "bad_signature"


def test_other_format_version_is_rejected():
    code = ticket_code_sign(ticket_id=1, session_id=1)

    assert reason_of("H222" + code[4:]) == "unsupported_version"


@pytest.mark.parametrize("keep", [0, 1, 3, 4, 7, 8, 9, 20, 100, 135])
def test_truncated_code_is_rejected(keep):
    code = ticket_code_sign(ticket_id=99, session_id=5)

    assert reason_of(code[:keep]) == "malformed"


def test_code_with_extra_characters_is_rejected():
    code = ticket_code_sign(ticket_id=99, session_id=5)

    assert reason_of(code + "A") == "malformed"
    assert reason_of(code + "AAAAAAAA") == "malformed"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "\n",
        "H22",
        "hello",
        "https://example.com/ticket/1",
        "H221DEV.",
        "H221DEV." + "A" * 128,
        "H221TOOLONGID." + "A" * 128,
        "H221DEV:" + "A" * 128,
        "H221DEV.\x00" + "A" * 127,
    ],
)
def test_garbage_is_rejected(garbage):
    with pytest.raises(InvalidTicketCode):
        ticket_code_verify(garbage)


@pytest.mark.parametrize("value", [None, 123, b"H221DEV."])
def test_non_text_is_rejected(value):
    assert reason_of(value) == "malformed"


def test_non_ascii_is_rejected_even_if_it_upper_cases_to_ascii():
    with override_settings(TICKET_SIGNING_KEY=key_line("SIGN", 4)):
        code = ticket_code_sign(ticket_id=1, session_id=1)
        dotless = code.replace("SIGN", "SıGN", 1)  # "ı".upper() == "I"

        assert dotless.upper() == code
        assert reason_of(dotless) == "malformed"
    assert reason_of("H221DÉV." + "A" * 128) == "malformed"
    assert reason_of("🎫" * 50) == "malformed"


def test_huge_input_is_refused_before_decoding():
    code = ticket_code_sign(ticket_id=1, session_id=1)
    # A valid code padded with whitespace would verify once stripped: "too_long" shows
    # the length is checked before any stripping or decoding work.
    huge = code + " " * (10 * 1024 * 1024)

    assert reason_of(huge) == "too_long"
    assert reason_of("x" * 201) == "too_long"


# --- What scanners send ------------------------------------------------------------------


def test_whitespace_and_lower_case_from_scanners_are_tolerated():
    code = ticket_code_sign(ticket_id=321, session_id=12)
    expected = TicketClaim(ticket_id=321, session_id=12, key_id="DEV")

    assert ticket_code_verify(code + "\n") == expected
    assert ticket_code_verify(f"  {code}\r\n") == expected
    assert ticket_code_verify(f"\t{code} ") == expected
    assert ticket_code_verify(code.lower()) == expected
    assert ticket_code_verify(code.swapcase() + "\n") == expected


def test_whitespace_inside_a_code_is_rejected():
    code = ticket_code_sign(ticket_id=321, session_id=12)

    assert reason_of(code[:50] + " " + code[50:]) == "malformed"


# --- Keys and rotation -------------------------------------------------------------------


def test_rotation_keeps_old_codes_valid_and_signs_with_the_new_key(tmp_path):
    before = tmp_path / "before"
    before.write_text(f"{KEY_A}\n")
    after = tmp_path / "after"
    after.write_text(f"# rotated 2022-06-01\n{KEY_B}\n{KEY_A}\n")

    with override_settings(TICKET_SIGNING_KEY_FILE=str(before)):
        old_code = ticket_code_sign(ticket_id=10, session_id=2)
    with override_settings(TICKET_SIGNING_KEY_FILE=str(after)):
        new_code = ticket_code_sign(ticket_id=11, session_id=2)
        assert ticket_code_verify(old_code) == TicketClaim(10, 2, "A2022")
        assert ticket_code_verify(new_code) == TicketClaim(11, 2, "B2022")
        assert new_code.startswith("H221B2022.")
        assert [k["key_id"] for k in public_keys()] == ["B2022", "A2022"]
        assert [k["current"] for k in public_keys()] == [True, False]
    with override_settings(TICKET_SIGNING_KEY_FILE=str(before)):
        assert reason_of(new_code) == "unknown_key"


def test_env_key_without_id_gets_a_fingerprint_id():
    raw = base64.b64encode(bytes([5]) * 32).decode()
    with override_settings(TICKET_SIGNING_KEY=raw):
        key_id = public_keys()[0]["key_id"]
        code = ticket_code_sign(ticket_id=1, session_id=1)
        assert re.fullmatch(r"[A-Z2-7]{6}", key_id)
        assert ticket_code_verify(code).key_id == key_id


def test_lower_case_key_id_in_settings_is_upper_cased():
    with override_settings(TICKET_SIGNING_KEY=key_line("june", 3)):
        code = ticket_code_sign(ticket_id=1, session_id=1)
        assert code.startswith("H221JUNE.")
        assert ticket_code_verify(code).key_id == "JUNE"


@pytest.mark.parametrize(
    "setting",
    [
        "not base64!",
        base64.b64encode(b"short").decode(),
        "TOO_LONG_ID:" + base64.b64encode(bytes(32)).decode(),
        "bad-id:" + base64.b64encode(bytes(32)).decode(),
    ],
)
def test_bad_key_setting_is_a_configuration_error(setting):
    with override_settings(TICKET_SIGNING_KEY=setting), pytest.raises(ImproperlyConfigured):
        ticket_code_sign(ticket_id=1, session_id=1)


def test_bad_key_file_is_a_configuration_error(tmp_path):
    duplicate = tmp_path / "duplicate"
    duplicate.write_text(f"{KEY_A}\n{key_line('A2022', 7)}\n")
    empty = tmp_path / "empty"
    empty.write_text("# nothing yet\n\n")
    for path in (duplicate, empty, tmp_path / "missing"):
        with (
            override_settings(TICKET_SIGNING_KEY_FILE=str(path)),
            pytest.raises(ImproperlyConfigured),
        ):
            public_keys()


def test_key_and_key_file_together_are_a_configuration_error(tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"{KEY_B}\n")
    with (
        override_settings(TICKET_SIGNING_KEY=KEY_A, TICKET_SIGNING_KEY_FILE=str(path)),
        pytest.raises(ImproperlyConfigured),
    ):
        public_keys()


def test_dev_key_follows_secret_key():
    with override_settings(SECRET_KEY="one-secret-for-this-test"):
        dev_one = public_keys()
    with override_settings(SECRET_KEY="another-secret-for-this-test"):
        dev_two = public_keys()

    assert dev_one[0]["key_id"] == dev_two[0]["key_id"] == "DEV"
    assert dev_one[0]["public_key"] != dev_two[0]["public_key"]


def test_without_a_key_nothing_is_signed_when_debug_was_off_at_start_up():
    """Never a key anyone could derive from SECRET_KEY in production."""
    with (
        override_settings(TICKET_SIGNING_DEV_KEY_ALLOWED=False),
        pytest.raises(ImproperlyConfigured, match="TICKET_SIGNING_KEY"),
    ):
        ticket_code_sign(ticket_id=1, session_id=2)
    with override_settings(TICKET_SIGNING_DEV_KEY_ALLOWED=False, TICKET_SIGNING_KEY=KEY_A):
        assert ticket_code_verify(ticket_code_sign(ticket_id=1, session_id=2)).ticket_id == 1


# --- Offline verification with only the public key ----------------------------------------


def test_published_public_key_verifies_a_code_with_plain_cryptography():
    """What an offline scanner does: only the published key and the documented layout."""
    with override_settings(TICKET_SIGNING_KEY=KEY_A):
        code = ticket_code_sign(ticket_id=2**40 + 3, session_id=777)
        published = {k["key_id"]: k for k in public_keys()}

    entry = published["A2022"]
    assert entry["algorithm"] == "Ed25519"
    assert set(entry) == {"key_id", "algorithm", "public_key", "current"}
    public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))
    header, body = code.split(".")
    raw = base64.b32decode(body)
    assert header == "H221A2022"
    assert len(raw) == 80
    public_key.verify(raw[16:], f"{header}.".encode() + raw[:16])  # raises if wrong
    assert int.from_bytes(raw[0:8], "big") == 2**40 + 3
    assert int.from_bytes(raw[8:16], "big") == 777


# --- QR ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ticket_id", [1, 2**40])
def test_qr_png_decodes_back_to_the_exact_code(ticket_id):
    code = ticket_code_sign(ticket_id=ticket_id, session_id=8)

    png = ticket_qr_png(code)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = PIL.Image.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [code]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert ticket_code_verify(results[0].text).ticket_id == ticket_id


# --- generate_ticket_key ----------------------------------------------------------------


def test_generate_ticket_key_prints_a_working_key_line():
    out = StringIO()
    call_command("generate_ticket_key", "--key-id", "gate7", stdout=out)
    line = out.getvalue().strip()

    key_id, _, encoded = line.partition(":")
    assert key_id == "GATE7"
    assert len(base64.b64decode(encoded, validate=True)) == 32
    with override_settings(TICKET_SIGNING_KEY=line):
        code = ticket_code_sign(ticket_id=5, session_id=6)
        assert ticket_code_verify(code) == TicketClaim(5, 6, "GATE7")


def test_generate_ticket_key_default_id_is_a_fingerprint():
    line = ticket_signing_key_generate()
    with override_settings(TICKET_SIGNING_KEY=line):
        assert public_keys()[0]["key_id"] == line.split(":")[0]


def test_generate_ticket_key_prepends_to_the_file_and_keeps_old_keys(tmp_path):
    path = tmp_path / "ticket-keys"
    call_command("generate_ticket_key", "--key-id", "K1", "--file", str(path), stdout=StringIO())
    with override_settings(TICKET_SIGNING_KEY_FILE=str(path)):
        old_code = ticket_code_sign(ticket_id=1, session_id=1)

    out = StringIO()
    call_command("generate_ticket_key", "--key-id", "K2", "--file", str(path), stdout=out)
    ticket_codes._keyring_load.cache_clear()  # what a restart after rotating does

    lines = path.read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["K2", "K1"]
    assert "K2" in out.getvalue()
    assert lines[0].split(":")[1] not in out.getvalue()  # the secret stays in the file
    assert path.stat().st_mode & 0o777 == 0o600
    with override_settings(TICKET_SIGNING_KEY_FILE=str(path)):
        assert ticket_code_verify(old_code).key_id == "K1"
        assert ticket_code_sign(ticket_id=2, session_id=1).startswith("H221K2.")


def test_generate_ticket_key_refuses_a_duplicate_or_bad_id(tmp_path):
    path = tmp_path / "ticket-keys"
    call_command("generate_ticket_key", "--key-id", "K1", "--file", str(path), stdout=StringIO())

    with pytest.raises(CommandError):
        call_command("generate_ticket_key", "--key-id", "k1", "--file", str(path))
    with pytest.raises(CommandError):
        call_command("generate_ticket_key", "--key-id", "not/valid")
    assert len(path.read_text().splitlines()) == 1
