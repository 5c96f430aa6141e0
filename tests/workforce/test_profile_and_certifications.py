"""A specialist's directory profile and an admin's record of their certifications."""

from datetime import timedelta

from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.workforce.models import Certification, SpecialistProfile
from peerwell.workforce.selectors import offered_to_new_participants
from tests import factories


def test_a_specialist_fills_in_their_profile(client, people):
    specialist = people[Role.SPECIALIST]
    factories.sign_in(client, specialist)
    response = client.post(
        "/me/profile/",
        {
            "story": "Twelve years in recovery, and a dad.",
            "lived_experience": ["substance_use", "parent"],
            "specializations": ["family"],
            "languages": "English,  Spanish ,",
            "modalities": ["video", "in_person"],
            "gender": "man",
            "age_range": "30_50",
            "accepting_new": "on",
            "caseload_capacity": "20",
        },
    )
    assert response.status_code == 302
    profile = SpecialistProfile.objects.get(membership=specialist)
    assert profile.languages == ["English", "Spanish"]
    assert profile.lived_experience == ["substance_use", "parent"]
    assert profile.caseload_capacity == 20
    event = AuditEvent.objects.get(action="specialist.profile_changed")
    assert "story" in event.detail["fields"] and "Twelve" not in str(event.detail)
    bad = client.post("/me/profile/", {"caseload_capacity": "900", "lived_experience": ["x"]})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"caseload_capacity", "lived_experience"}


def test_an_admin_records_a_verified_certification_that_makes_a_specialist_offered(client, people):
    specialist, admin = people[Role.SPECIALIST], people[Role.ADMIN]
    assert not offered_to_new_participants(specialist)
    factories.sign_in(client, admin)
    today = timezone.localdate()
    form = {
        "name": "Certified Peer Recovery Specialist",
        "issuer": "State certification board",
        "number": "CPRS-1042",
        "issued_on": (today - timedelta(days=30)).isoformat(),
        "expires_on": (today + timedelta(days=700)).isoformat(),
    }
    backwards = client.post(
        f"/staff/{specialist.pk}/certifications/",
        {**form, "expires_on": (today - timedelta(days=60)).isoformat()},
    )
    assert backwards.status_code == 400 and "expires_on" in backwards.context["form"].errors
    assert client.post(f"/staff/{specialist.pk}/certifications/", form).status_code == 302
    certification = Certification.objects.get(specialist=specialist)
    assert certification.verified_by == admin and certification.verified_at is not None
    assert offered_to_new_participants(Membership.objects.get(pk=specialist.pk))
    page = client.get(f"/staff/{specialist.pk}/certifications/")
    assert "CPRS-1042" in page.content.decode()


def test_a_certification_shows_as_expired_by_the_programs_calendar_from_any_zone(
    client, org, people
):
    # The program at UTC+14, the admin at UTC-12: their dates are a day or two apart. The
    # page says "Expired" exactly when the directory stops offering the specialist.
    org.time_zone = "Etc/GMT-14"
    org.save()
    specialist, admin = people[Role.SPECIALIST], people[Role.ADMIN]
    admin.user.time_zone = "Etc/GMT+12"
    admin.user.save()
    factories.certified(specialist)
    Certification.objects.filter(specialist=specialist).update(
        expires_on=org.today() - timedelta(days=1)
    )
    assert not offered_to_new_participants(specialist)
    factories.sign_in(client, admin)
    page = client.get(f"/staff/{specialist.pk}/certifications/").content.decode()
    assert "Expired" in page
