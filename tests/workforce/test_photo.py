"""Directory photos: re-encoded without metadata, served only inside the organization."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from peerwell.core.roles import Role
from peerwell.workforce.models import SpecialistProfile
from tests import factories


def _upload(content: bytes, name="me.jpg", kind="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=kind)


def test_a_photo_is_shrunk_and_loses_its_location(client, org, people, settings):
    specialist = factories.certified(people[Role.SPECIALIST])
    factories.sign_in(client, specialist)
    original = factories.photo_bytes(size=(2000, 1500), exif_gps=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the upload carries a location
    response = client.post(
        "/me/profile/",
        {"caseload_capacity": "25", "accepting_new": "on", "photo": _upload(original)},
    )
    assert response.status_code == 302
    profile = SpecialistProfile.objects.get(membership=specialist)
    stored = profile.photo.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and max(image.size) == 480
    assert not image.getexif() and b"PhoneMaker" not in stored
    assert profile.photo.name.startswith("specialist-photos/") and "me" not in profile.photo.name

    person = people[Role.PARTICIPANT]
    factories.participant(org, user=person.user)
    factories.sign_in(client, person)
    assert f"/peers/{specialist.pk}/photo/" in client.get("/peers/").content.decode()
    served = client.get(f"/peers/{specialist.pk}/photo/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == stored


def test_something_that_is_not_a_photo_is_refused(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    response = client.post(
        "/me/profile/",
        {"caseload_capacity": "25", "photo": _upload(b"<svg onload=alert(1)>", "x.jpg")},
    )
    assert response.status_code == 400
    assert "not a photo we can read" in str(response.context["form"].errors["photo"])
    gif = factories.photo_bytes(format="GIF")
    response = client.post(
        "/me/profile/", {"caseload_capacity": "25", "photo": _upload(gif, "x.gif", "image/gif")}
    )
    assert "JPEG, PNG or WebP" in str(response.context["form"].errors["photo"])


def test_removing_the_photo_deletes_the_file(client, people, django_capture_on_commit_callbacks):
    specialist = people[Role.SPECIALIST]
    factories.sign_in(client, specialist)
    client.post(
        "/me/profile/",
        {"caseload_capacity": "25", "photo": _upload(factories.photo_bytes(format="PNG"), "a.png")},
    )
    profile = SpecialistProfile.objects.get(membership=specialist)
    storage, name = profile.photo.storage, profile.photo.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/profile/", {"caseload_capacity": "25", "remove_photo": "on"})
    profile.refresh_from_db()
    assert not profile.photo and not storage.exists(name)
    assert client.get(f"/peers/{specialist.pk}/photo/").status_code == 404


def test_a_huge_image_in_a_small_file_is_refused_before_decoding(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")  # 64 megapixels, a few kB
    response = client.post(
        "/me/profile/",
        {"caseload_capacity": "25", "photo": _upload(out.getvalue(), "big.png", "image/png")},
    )
    assert response.status_code == 400
    assert "40 megapixels" in str(response.context["form"].errors["photo"])
