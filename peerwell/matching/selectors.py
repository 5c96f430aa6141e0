"""The peer directory: offered specialists, filtered, and ranked for a participant."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.matching import availability
from peerwell.matching.rules import Candidate, Labels, Match, Preferences, rank
from peerwell.participants.models import Participant
from peerwell.workforce.models import Certification, LivedExperience, Modality, SupportArea
from peerwell.workforce.selectors import offered_specialists


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


def _offered(organization) -> QuerySet[Membership]:
    return offered_specialists(organization).select_related("user", "specialist_profile")


def directory(
    organization,
    *,
    viewer_zone: str,
    participant: Participant | None = None,
    filters: DirectoryFilters | None = None,
) -> list[DirectoryEntry]:
    """Specialists offered to new participants, filtered; ranked by matching when a
    participant is looking, by name otherwise. Two queries, whatever the size; the badges
    of the page shown come from `with_certifications`."""
    specialists = {m.pk: m for m in _offered(organization)}
    hours = availability.weekly_hours(list(specialists), viewer_zone)
    candidates = [
        _candidate(specialist, hours.get(pk, set())) for pk, specialist in specialists.items()
    ]
    filters = filters or DirectoryFilters()
    candidates = [c for c in candidates if filters.keep(c)]
    preferences = preferences_of(participant) if participant else Preferences()
    matches = rank(preferences, candidates, _labels())
    if participant is None:
        matches.sort(key=lambda m: (m.candidate.name.casefold(), m.candidate.id))
    return [DirectoryEntry(specialists[m.candidate.id], None, m) for m in matches]


def with_certifications(entries: list[DirectoryEntry]) -> list[DirectoryEntry]:
    """The entries with the certification each shows as its badge (one query for a page)."""
    today = timezone.localdate()
    certifications: dict[int, Certification] = {}
    for certification in Certification.objects.filter(
        specialist_id__in=[entry.specialist.pk for entry in entries],
        verified_at__isnull=False,
        issued_on__lte=today,
        expires_on__gte=today,
    ).order_by("expires_on"):
        certifications[certification.specialist_id] = certification
    return [
        DirectoryEntry(entry.specialist, certifications.get(entry.specialist.pk), entry.match)
        for entry in entries
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
