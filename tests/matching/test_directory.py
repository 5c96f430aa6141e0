"""The peer directory: who is offered, ranked with reasons, filtered, in fixed queries."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerwell.core.roles import Role
from peerwell.matching.selectors import offered_specialist_ids
from peerwell.scheduling import services
from peerwell.scheduling.rules import WeeklyHours
from peerwell.workforce.models import Certification
from tests import factories


def _peer(org, name, **profile):
    specialist = factories.certified(
        factories.member(org, Role.SPECIALIST, full_name=name), **profile
    )
    return specialist


def _names(response):
    return [entry.specialist.user.full_name for entry in response.context["entries"]]


def test_only_certified_peers_with_room_who_accept_new_people_are_offered(client, org, people):
    _peer(org, "Offered Olu")
    _peer(org, "Closed Cam", accepting_new=False)
    full = _peer(org, "Full Fay", caseload_capacity=1)
    factories.participant(org, full)
    lapsed = _peer(org, "Lapsed Lee")
    Certification.objects.filter(specialist=lapsed).update(
        expires_on=org.today() - timedelta(days=1)
    )
    unverified = _peer(org, "Pending Pat")
    Certification.objects.filter(specialist=unverified).update(verified_at=None)
    factories.sign_in(client, people[Role.SUPERVISOR])
    assert _names(client.get("/peers/")) == ["Offered Olu"]


def test_a_participant_sees_peers_ranked_with_reasons(client, org, people):
    person = people[Role.PARTICIPANT]
    factories.participant(
        org,
        user=person.user,
        shared_experiences=["veteran"],
        peer_language="Spanish",
        preferred_times=["evening"],
    )
    person.user.time_zone = "America/Los_Angeles"
    person.user.save()
    _peer(org, "Anne Other", languages=["English"])
    match = _peer(
        org, "Vero Vargas", lived_experience=["veteran"], languages=["English", "Spanish"]
    )
    services.availability_set_weekly(
        actor=match,
        specialist=match,
        hours=[WeeklyHours(day, time(17), time(20)) for day in range(5)],
    )
    factories.sign_in(client, person)
    response = client.get("/peers/")
    assert _names(response) == ["Vero Vargas", "Anne Other"]
    page = response.content.decode()
    assert "shares: Veteran, Spanish; evenings free" in page
    assert f"/peers/{match.pk}/book/" in page
    assert "Certified: Certified Peer Specialist" in page


def test_filters_narrow_the_directory(client, org, people):
    _peer(org, "Phone Only", modalities=["phone"], gender="man")
    _peer(org, "Video Too", modalities=["video", "phone"], gender="woman", languages=["Spanish"])
    factories.sign_in(client, people[Role.SPECIALIST])
    assert _names(client.get("/peers/?modality=video")) == ["Video Too"]
    assert _names(client.get("/peers/?language=spanish")) == ["Video Too"]
    assert _names(client.get("/peers/?gender=man")) == ["Phone Only"]
    assert client.get("/peers/?modality=telepathy").status_code == 200  # a bad filter is ignored


def _directory_queries(client) -> tuple[int, int, object]:
    """Queries of a directory view that builds the candidates, and of one that finds them
    kept; with the second response."""
    cache.clear()
    with CaptureQueriesContext(connection) as built:
        client.get("/peers/")
    with CaptureQueriesContext(connection) as kept:
        response = client.get("/peers/")
    return len(built.captured_queries), len(kept.captured_queries), response


def test_the_directory_takes_the_same_queries_for_two_peers_or_twenty(client, org, people):
    person = people[Role.PARTICIPANT]
    factories.participant(org, user=person.user)
    for n in range(2):
        _peer(org, f"Peer {n}", lived_experience=["parent"])
    factories.sign_in(client, person)
    client.get("/peers/")
    few = _directory_queries(client)
    for n in range(18):
        _peer(org, f"More {n}", lived_experience=["veteran"])
    many = _directory_queries(client)

    assert few[:2] == many[:2]
    assert many[1] == many[0] - 2  # kept candidates spare the specialists and their hours
    assert many[2].context["count"] == 20 and len(many[2].context["entries"]) == 10


def test_a_change_to_what_the_directory_is_built_from_shows_at_once(client, org, people):
    ada = _peer(org, "Ada Early")
    zed = _peer(org, "Zed Late", caseload_capacity=1)
    factories.sign_in(client, people[Role.SUPERVISOR])
    assert _names(client.get("/peers/")) == ["Ada Early", "Zed Late"]

    # Each change below comes after the candidates were kept by the view above it.
    zed.user.full_name = "Aaron Renamed"  # the kept name orders the list
    zed.user.save()
    assert _names(client.get("/peers/")) == ["Aaron Renamed", "Ada Early"]
    factories.participant(org, zed)  # an assignment fills the caseload
    assert _names(client.get("/peers/")) == ["Ada Early"]
    certification = Certification.objects.get(specialist=ada)
    certification.verified_at = None
    certification.save()
    assert _names(client.get("/peers/")) == []
    certification.verified_at = timezone.now()
    certification.save()
    assert _names(client.get("/peers/")) == ["Ada Early"]
    ada.is_active = False
    ada.save()
    assert _names(client.get("/peers/")) == []


def test_new_weekly_hours_show_in_the_reasons_at_once(client, org, people):
    person = people[Role.PARTICIPANT]
    factories.participant(org, user=person.user, preferred_times=["evening"])
    peer = _peer(org, "Eve Ning")
    factories.sign_in(client, person)
    assert "evenings free" not in client.get("/peers/").content.decode()

    services.availability_set_weekly(
        actor=peer, specialist=peer, hours=[WeeklyHours(0, time(17), time(21))]
    )
    assert "evenings free" in client.get("/peers/").content.decode()


def test_a_peer_made_inactive_behind_the_kept_candidates_is_not_shown(client, org, people):
    peer = _peer(org, "Olu Offered")
    factories.sign_in(client, people[Role.SUPERVISOR])
    assert _names(client.get("/peers/")) == ["Olu Offered"]
    # A bulk update sends no signal: the kept candidates still name them, the page does not.
    type(peer).objects.filter(pk=peer.pk).update(is_active=False)
    assert _names(client.get("/peers/")) == []


def test_the_directory_shows_the_best_matches_a_page_at_a_time(client, org, people):
    for n in range(23):
        _peer(org, f"Peer {n:02d}", modalities=["phone"])
    factories.sign_in(client, people[Role.SPECIALIST])

    first = client.get("/peers/?modality=phone")
    third = client.get("/peers/?modality=phone&page=3")

    assert _names(first) == [f"Peer {n:02d}" for n in range(10)]
    assert _names(third) == ["Peer 20", "Peer 21", "Peer 22"]
    assert "23 peer supporters" in first.content.decode()
    assert "?modality=phone&amp;page=2" in first.content.decode()


def test_a_certification_lapsing_at_the_programs_midnight_leaves_the_kept_directory(
    org, monkeypatch
):
    # The program at UTC+14, the viewer at UTC-12: across the program's midnight the
    # viewer's date stays the same, so the kept directory must be dated by the program's.
    org.time_zone = "Etc/GMT-14"
    org.save()
    lapsing = _peer(org, "Lapsing Lou")
    last_day = org.today()
    Certification.objects.filter(specialist=lapsing).update(expires_on=last_day)
    midnight = datetime.combine(last_day + timedelta(days=1), time(0), ZoneInfo(org.time_zone))
    cache.clear()
    with timezone.override("Etc/GMT+12"):
        monkeypatch.setattr(timezone, "now", lambda: midnight - timedelta(minutes=1))
        viewers_date = timezone.localdate()
        assert lapsing.pk in offered_specialist_ids(org)
        monkeypatch.setattr(timezone, "now", lambda: midnight + timedelta(minutes=1))
        assert timezone.localdate() == viewers_date
        assert lapsing.pk not in offered_specialist_ids(org)
