"""Uploads are refused by size before they are stored (expo/core/uploads.py) and the
logo's own limit holds wherever a logo is stored."""

import pytest
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import override_settings

from expo.core.uploads import UploadSizeLimitHandler
from expo.exhibitors.models import LOGO_MAX_BYTES, Exhibitor, logo_size_validator
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa/"


@pytest.fixture
def stored_bytes(monkeypatch):
    """How many bytes of uploaded files Django's own handlers took in."""
    counted = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            counted.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return counted


@override_settings(UPLOAD_MAX_BYTES=100_000)
def test_upload_over_the_cap_is_413_before_any_of_it_is_stored(world, stored_bytes):
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"x" * 150_000, content_type="image/png")

    response = client_for(world.member_a).patch(A, {"logo": big}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is too large.",
    }
    assert stored_bytes == []
    assert not Exhibitor.objects.get(pk=world.a.pk).logo


@override_settings(UPLOAD_MAX_BYTES=100_000)
def test_upload_under_the_cap_reaches_the_logo_checks(world, stored_bytes):
    """The control: a smaller body passes the cap and gets the logo's own answer."""
    junk = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")

    response = client_for(world.member_a).patch(A, {"logo": junk}, format="multipart")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert sum(stored_bytes) == len(b"not an image")


@override_settings(UPLOAD_MAX_BYTES=100)
def test_a_file_growing_past_the_cap_is_refused_while_streaming():
    """A body that declared no (or a false) length is stopped by what actually arrives."""
    handler = UploadSizeLimitHandler()
    assert handler.handle_raw_input(None, {}, 0, b"boundary") is None
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 60, 60)


def test_the_logo_field_refuses_more_than_2_mb():
    """What the admin's form checks when staff upload a logo."""
    logo_size_validator(SimpleUploadedFile("ok.png", b"x" * LOGO_MAX_BYTES))
    with pytest.raises(ValidationError) as refused:
        logo_size_validator(SimpleUploadedFile("big.png", b"x" * (LOGO_MAX_BYTES + 1)))
    assert refused.value.code == "logo_too_large"
