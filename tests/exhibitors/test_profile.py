"""The organisation's profile, its logo, and its stands."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from expo.exhibitors.models import Exhibitor, Stand
from tests.conftest import client_for
from tests.exhibitors.conftest import another_expo
from tests.factories import StandFactory, VenueFactory

pytestmark = pytest.mark.django_db

A = "/api/v1/exhibitor/alfa"


def image_file(image_format: str, name: str, size=(64, 32), **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def upload(world, file):
    return client_for(world.member_a).patch(f"{A}/", {"logo": file}, format="multipart")


def test_profile_edit(world):
    client = client_for(world.member_a)
    response = client.patch(
        f"{A}/",
        {
            "description_sv": "Solenergi för Helsingborgs tak.",
            "description_en": "Solar power for Helsingborg's roofs.",
            "website": "https://alfa.example.se",
            "contact_email": "hej@alfa.example.se",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description_sv"] == "Solenergi för Helsingborgs tak."
    assert body["role"] == "member"
    exhibitor = Exhibitor.objects.get(pk=world.a.pk)
    assert exhibitor.website == "https://alfa.example.se"
    assert exhibitor.slug == "alfa"  # not theirs to change
    bad = client.patch(f"{A}/", {"website": "javascript:alert(1)"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert "website" in bad.json()["fields"]


def test_status_and_slug_are_not_editable(world):
    client_for(world.owner_a).patch(f"{A}/", {"status": "hidden", "slug": "x"}, format="json")
    exhibitor = Exhibitor.objects.get(pk=world.a.pk)
    assert (exhibitor.status, exhibitor.slug) == ("active", "alfa")


@pytest.mark.parametrize(
    ("image_format", "name", "extension"),
    [("PNG", "logo.png", "png"), ("JPEG", "logo.jpeg", "jpg"), ("WEBP", "logga.webp", "webp")],
)
def test_logo_upload(world, media_root, image_format, name, extension):
    response = upload(world, image_file(image_format, name))
    assert response.status_code == 200, response.json()
    exhibitor = Exhibitor.objects.get(pk=world.a.pk)
    assert exhibitor.logo.name.startswith("exhibitor-logos/alfa-")
    assert exhibitor.logo.name.endswith(f".{extension}")
    assert response.json()["logo"].endswith(exhibitor.logo.name)
    with Image.open(exhibitor.logo.path) as stored:
        assert stored.format == image_format


def test_logo_is_stored_as_what_it_is_not_as_what_it_is_called(world):
    response = upload(world, image_file("PNG", "logo.html"))
    assert response.status_code == 200
    assert Exhibitor.objects.get(pk=world.a.pk).logo.name.endswith(".png")


@pytest.mark.parametrize(
    "make_file",
    [
        lambda: image_file("GIF", "logo.gif"),
        lambda: image_file("BMP", "logo.png"),
        lambda: SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png"),
        lambda: SimpleUploadedFile("logo.png", image_file("PNG", "x.png").read()[:60]),
        lambda: image_file("PNG", "wide.png", size=(4001, 10)),
    ],
    ids=["gif", "bmp_named_png", "svg_script", "truncated_png", "too_wide"],
)
def test_logo_type_is_checked(world, make_file):
    response = upload(world, make_file())
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "logo" in response.json()["fields"]
    assert not Exhibitor.objects.get(pk=world.a.pk).logo


def test_logo_size_is_checked(world):
    # Noise does not compress: a valid PNG over 2 MB.
    big = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    assert buffer.tell() > 2 * 1024 * 1024
    response = upload(world, SimpleUploadedFile("big.png", buffer.getvalue()))
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "logo" in response.json()["fields"]


def test_logo_replaced_and_removed_files_are_deleted(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(world, image_file("PNG", "one.png"))
    first = Exhibitor.objects.get(pk=world.a.pk).logo
    with django_capture_on_commit_callbacks(execute=True):
        upload(world, image_file("JPEG", "two.jpg"))
    second = Exhibitor.objects.get(pk=world.a.pk).logo
    assert second.name != first.name
    assert not first.storage.exists(first.name)
    assert second.storage.exists(second.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.member_a).patch(f"{A}/", {"logo": None}, format="json")
    assert response.json()["logo"] is None
    assert not Exhibitor.objects.get(pk=world.a.pk).logo
    assert not second.storage.exists(second.name)


# --- Stands ---------------------------------------------------------------------------


def test_stand_create_edit_delete(world):
    client = client_for(world.member_a)
    created = client.post(
        f"{A}/stands/",
        {"venue": world.venue.slug, "code": "C3", "opens_at": "10:00", "closes_at": "18:00"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    stand_id = created.json()["id"]
    assert created.json()["venue"]["slug"] == world.venue.slug
    listed = client.get(f"{A}/stands/").json()
    assert {s["code"] for s in listed["results"]} == {"A1", "C3"}

    edited = client.patch(f"{A}/stands/{stand_id}/", {"closes_at": "20:00"}, format="json")
    assert edited.json()["closes_at"] == "20:00:00"
    assert client.delete(f"{A}/stands/{stand_id}/").status_code == 204
    assert not Stand.objects.filter(pk=stand_id).exists()


def test_stand_code_is_unique_per_venue(world):
    StandFactory(exhibitor=world.b, venue=world.venue, code="B1")
    client = client_for(world.member_a)
    taken = client.post(f"{A}/stands/", {"venue": world.venue.slug, "code": "b1"}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "stand_code_taken")
    renamed = client.patch(f"{A}/stands/{world.stand_a.pk}/", {"code": "B1"}, format="json")
    assert (renamed.status_code, renamed.json()["code"]) == (409, "stand_code_taken")
    elsewhere = VenueFactory(expo=world.expo)
    ok = client.post(f"{A}/stands/", {"venue": elsewhere.slug, "code": "B1"}, format="json")
    assert ok.status_code == 201


def test_stand_validation(world):
    client = client_for(world.member_a)
    other_expo = another_expo(world.expo)
    foreign = client.post(
        f"{A}/stands/", {"venue": VenueFactory(expo=other_expo).slug, "code": "X1"}, format="json"
    )
    assert "venue" in foreign.json()["fields"]
    backwards = client.patch(
        f"{A}/stands/{world.stand_a.pk}/",
        {"opens_at": "18:00", "closes_at": "09:00"},
        format="json",
    )
    assert backwards.status_code == 400
    assert "closes_at" in backwards.json()["fields"]
    odd = client.post(f"{A}/stands/", {"venue": world.venue.slug, "code": "=1+1"}, format="json")
    assert "code" in odd.json()["fields"]


def test_another_organisations_stand_is_not_found(world):
    theirs = StandFactory(exhibitor=world.b, venue=world.venue)
    client = client_for(world.member_a)
    assert client.patch(f"{A}/stands/{theirs.pk}/", {"code": "Z"}, format="json").status_code == 404
    assert client.delete(f"{A}/stands/{theirs.pk}/").status_code == 404
    assert Stand.objects.get(pk=theirs.pk).code == theirs.code
