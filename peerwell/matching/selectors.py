"""The peer directory: offered specialists, filtered, and ranked for a participant."""

from dataclasses import dataclass

from peerwell.accounts.models import Membership
from peerwell.core.roles import Role
from peerwell.matching import availability, candidates
from peerwell.matching.rules import Candidate, Labels, Match, Preferences, rank
from peerwell.participants.models import Participant
from peerwell.workforce.models import Certification, LivedExperience, Modality, SupportArea
from peerwell.workforce.selectors import certifications_in_force, offered_specialists


def _labels() -> Labels:
    """Words for codes in the active language, translated once per directory rather than
    once per specialist ranked (each lazy label translates again whenever it is read)."""
    return Labels(
        experience={code: str(label) for code, label in LivedExperience.choices},
        support={code: str(label) for code, label in SupportArea.choices},
        modality={code: str(label) for code, label in Modality.choices},
    )


@dataclass(frozen=True)
class DirectoryFilters:
    experience: str = ""
    language: str = ""
    modality: str = ""
    gender: str = ""

    def keep(self, candidate: Candidate) -> bool:
        languages = {language.casefold() for language in candidate.languages}
        return (
            (not self.experience or self.experience in candidate.lived_experience)
            and (not self.language or self.language.casefold() in languages)
            and (not self.modality or self.modality in candidate.modalities)
            and (not self.gender or self.gender == candidate.gender)
        )


@dataclass(frozen=True)
class DirectoryEntry:
    specialist: Membership
    certification: Certification | None
    match: Match

    @property
    def profile(self):
        return self.specialist.specialist_profile


def preferences_of(participant: Participant) -> Preferences:
    return Preferences(
        shared_experiences=frozenset(participant.shared_experiences),
        recovery_pathway=participant.recovery_pathway,
        language=participant.peer_language,
        support_wanted=frozenset(participant.support_wanted),
        modalities=frozenset(participant.modalities),
        preferred_times=frozenset(participant.preferred_times),
        gender=participant.peer_gender,
        age_range=participant.peer_age_range,
    )


def offered_candidates(organization, viewer_zone: str) -> list[Candidate]:
    """Everyone offered to new participants, as matching sees them, with weekly hours in the
    viewer's zone. Two queries when built; kept in the cache (see `candidates`)."""

    def build() -> list[Candidate]:
        specialists = list(
            offered_specialists(organization).select_related("user", "specialist_profile")
        )
        hours = availability.weekly_hours([s.pk for s in specialists], viewer_zone)
        return [
            _candidate(specialist, hours.get(specialist.pk, set())) for specialist in specialists
        ]

    return candidates.cached(organization, viewer_zone, build)


def offered_specialist_ids(organization) -> frozenset[int]:
    """The ids of the specialists offered to new participants: one query when built, kept
    in the cache with the candidates and moved on with them."""
    return candidates.offered_ids(
        organization,
        lambda: frozenset(offered_specialists(organization).values_list("pk", flat=True)),
    )


def directory(
    organization,
    *,
    viewer_zone: str,
    participant: Participant | None = None,
    filters: DirectoryFilters | None = None,
) -> list[Match]:
    """Specialists offered to new participants, filtered; ranked by matching when a
    participant is looking, by name otherwise. The specialists of the page shown come from
    `directory_page`."""
    filters = filters or DirectoryFilters()
    offered = [c for c in offered_candidates(organization, viewer_zone) if filters.keep(c)]
    preferences = preferences_of(participant) if participant else Preferences()
    matches = rank(preferences, offered, _labels())
    if participant is None:
        matches.sort(key=lambda m: (m.candidate.name.casefold(), m.candidate.id))
    return matches


def directory_page(organization, matches: list[Match]) -> list[DirectoryEntry]:
    """The entries of one page: each match with its specialist, profile and the
    certification shown as its badge (two queries for a page). A specialist no longer an
    active specialist of the organization since the candidates were kept is left out."""
    ids = [match.candidate.id for match in matches]
    specialists = (
        Membership.objects.in_org(organization)
        .filter(role=Role.SPECIALIST, is_active=True)
        .select_related("user", "specialist_profile")
        .in_bulk(ids)
    )
    certifications: dict[int, Certification] = {}
    for certification in (
        certifications_in_force(organization.today())
        .filter(specialist_id__in=ids)
        .order_by("expires_on")
    ):
        certifications[certification.specialist_id] = certification
    return [
        DirectoryEntry(specialists[m.candidate.id], certifications.get(m.candidate.id), m)
        for m in matches
        if m.candidate.id in specialists
    ]


def _candidate(specialist: Membership, hours: set[tuple[int, int]]) -> Candidate:
    profile = specialist.specialist_profile
    return Candidate(
        id=specialist.pk,
        name=specialist.user.display_name,
        lived_experience=frozenset(profile.lived_experience),
        languages=tuple(profile.languages),
        specializations=frozenset(profile.specializations),
        modalities=frozenset(profile.modalities or Modality.values),
        gender=profile.gender,
        age_range=profile.age_range,
        caseload=specialist.caseload_size,
        capacity=profile.caseload_capacity,
        weekly_hours=frozenset(hours),
    )
