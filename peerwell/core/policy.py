"""Who may do what: the one place Peerwell answers that question.

Views and the API ask `require` (or the `permission_required` decorator) for actions,
and fetch objects only through the `access_*` functions here: an object of another
organization answers 404 (it does not exist for you), a forbidden action 403.
"""

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from peerwell.accounts.models import Invitation, Membership
from peerwell.core.roles import Role
from peerwell.matching.selectors import offered_specialist_ids
from peerwell.notes.models import GoalNote, NoteStatus
from peerwell.participants.models import Assignment, Consent, Participant
from peerwell.participants.selectors import participants_visible_to, record_of
from peerwell.scheduling.models import Appointment, AvailabilityException
from peerwell.scheduling.selectors import appointments_visible_to


class Permission(StrEnum):
    HOME_VIEW = "home.view"
    STAFF_VIEW = "staff.view"
    STAFF_INVITE = "staff.invite"
    TEAM_MANAGE = "team.manage"
    ORGANIZATION_MANAGE = "organization.manage"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_INTAKE = "participant.intake"
    PARTICIPANT_EDIT = "participant.edit"
    PARTICIPANT_REASSIGN = "participant.reassign"
    CONTACT_RECORD = "contact.record"
    NOTE_VIEW = "note.view"
    NOTE_COSIGN = "note.cosign"
    OWN_NOTES_VIEW = "own_notes.view"
    OWN_SESSIONS = "own_sessions.manage"
    OWN_PREFERENCES_EDIT = "own_preferences.edit"
    DIRECTORY_VIEW = "directory.view"
    SCHEDULE_MANAGE = "schedule.manage"
    APPOINTMENT_VIEW = "appointment.view"
    APPOINTMENT_BOOK = "appointment.book"
    CALENDAR_FEED = "calendar_feed.manage"
    OWN_PROFILE_EDIT = "own_profile.edit"
    CERTIFICATION_MANAGE = "certification.manage"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.PARTICIPANT: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.OWN_NOTES_VIEW,
            Permission.OWN_SESSIONS,
            Permission.OWN_PREFERENCES_EDIT,
            Permission.DIRECTORY_VIEW,
            Permission.CALENDAR_FEED,
        }
    ),
    Role.SPECIALIST: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.PARTICIPANT_VIEW,
            Permission.PARTICIPANT_INTAKE,
            Permission.PARTICIPANT_EDIT,
            Permission.CONTACT_RECORD,
            Permission.NOTE_VIEW,
            Permission.DIRECTORY_VIEW,
            Permission.SCHEDULE_MANAGE,
            Permission.APPOINTMENT_VIEW,
            Permission.APPOINTMENT_BOOK,
            Permission.CALENDAR_FEED,
            Permission.OWN_PROFILE_EDIT,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.STAFF_VIEW,
            Permission.PARTICIPANT_VIEW,
            Permission.PARTICIPANT_EDIT,
            Permission.PARTICIPANT_REASSIGN,
            Permission.NOTE_VIEW,
            Permission.NOTE_COSIGN,
            Permission.DIRECTORY_VIEW,
            Permission.APPOINTMENT_VIEW,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.HOME_VIEW,
            Permission.STAFF_VIEW,
            Permission.STAFF_INVITE,
            Permission.TEAM_MANAGE,
            Permission.ORGANIZATION_MANAGE,
            Permission.PARTICIPANT_VIEW,
            Permission.PARTICIPANT_INTAKE,
            Permission.PARTICIPANT_EDIT,
            Permission.PARTICIPANT_REASSIGN,
            Permission.NOTE_VIEW,
            Permission.NOTE_COSIGN,
            Permission.DIRECTORY_VIEW,
            Permission.APPOINTMENT_VIEW,
            Permission.APPOINTMENT_BOOK,
            Permission.CERTIFICATION_MANAGE,
        }
    ),
    # Auditors read the trail and nothing else: no personal data beyond it.
    Role.AUDITOR: frozenset({Permission.HOME_VIEW, Permission.AUDIT_VIEW, Permission.AUDIT_EXPORT}),
}


def has_permission(membership: Membership | None, permission: Permission) -> bool:
    if membership is None or not membership.is_active:
        return False
    return permission in ROLE_PERMISSIONS.get(membership.role, frozenset())


def require(membership: Membership | None, permission: Permission) -> Membership:
    """Return the membership when it holds the permission; raise PermissionDenied if not."""
    if membership is None:
        raise PermissionDenied(_("Your account has no role in an organization."))
    if not has_permission(membership, permission):
        raise PermissionDenied(_("Your role does not allow this."))
    return membership


def permission_required(permission: Permission):
    """View decorator: the signed-in member's role must hold the permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(getattr(request, "membership", None), permission)
            return view(request, *args, **kwargs)

        wrapped.peerwell_permission = permission
        return wrapped

    return decorator


def _in_org(queryset, membership: Membership, object_id):
    try:
        found = queryset.in_org(membership.organization).get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    # Found in the member's organization, which the request has read already: a page that
    # asks the object for its organization (settings, time zone) reads it no second time.
    found.organization = membership.organization
    return found


def access_invitation(membership: Membership, invitation_id) -> Invitation:
    require(membership, Permission.STAFF_INVITE)
    return _in_org(Invitation.objects.all(), membership, invitation_id)


def access_membership(membership: Membership, membership_id) -> Membership:
    """A member of the same organization, for staff management (admins only)."""
    require(membership, Permission.STAFF_INVITE)
    return _in_org(Membership.objects.select_related("user"), membership, membership_id)


def access_participant(
    membership: Membership, participant_id, permission: Permission = Permission.PARTICIPANT_VIEW
) -> Participant:
    """A participant this member may see (their caseload, their team's, or the program's).

    Someone outside that circle gets 404, the same as for another organization's record:
    the answer does not reveal that the person is known here.
    """
    require(membership, permission)
    return _in_org(participants_visible_to(membership), membership, participant_id)


def access_consent(membership: Membership, participant: Participant, consent_id) -> Consent:
    require(membership, Permission.PARTICIPANT_EDIT)
    return _in_org(Consent.objects.filter(participant=participant), membership, consent_id)


def access_note(
    membership: Membership, note_id, permission: Permission = Permission.NOTE_VIEW
) -> GoalNote:
    """A goal note of a participant this member may see; otherwise 404."""
    require(membership, permission)
    notes = GoalNote.objects.filter(participant__in=participants_visible_to(membership))
    return _in_org(
        notes.select_related("contact", "participant", "author__user"), membership, note_id
    )


def access_own_note(membership: Membership, note_id) -> GoalNote:
    """A participant's own signed note (open notes); drafts and others' notes are 404."""
    require(membership, Permission.OWN_NOTES_VIEW)
    notes = GoalNote.objects.filter(
        participant__user=membership.user, status=NoteStatus.SIGNED
    ).select_related("contact", "author__user")
    return _in_org(notes, membership, note_id)


def access_appointment(
    membership: Membership, appointment_id, permission: Permission = Permission.APPOINTMENT_VIEW
) -> Appointment:
    """A session this member may see: their own as a participant, their calendar's or
    their caseload's as a specialist, their team's or the program's otherwise; else 404."""
    if membership is not None and membership.role == Role.PARTICIPANT:
        permission = Permission.OWN_SESSIONS
    require(membership, permission)
    return _in_org(appointments_visible_to(membership), membership, appointment_id)


def access_specialist(membership: Membership, specialist_id) -> Membership:
    """A peer specialist as the directory shows them: to staff, any active specialist of
    the organization; to a participant, those the directory offers them and their own.

    Whether a peer is offered is read as the directory reads it (kept in the cache): a
    booking asks the offer rule again, under its locks."""
    require(membership, Permission.DIRECTORY_VIEW)
    specialists = Membership.objects.filter(role=Role.SPECIALIST, is_active=True).select_related(
        "user", "specialist_profile"
    )
    specialist = _in_org(specialists, membership, specialist_id)
    if membership.role != Role.PARTICIPANT:
        return specialist
    if specialist.pk in offered_specialist_ids(membership.organization):
        return specialist
    own_peer = Assignment.objects.filter(
        specialist=specialist, participant__user=membership.user, ended_at__isnull=True
    )
    if not own_peer.exists():
        raise Http404(_("Not found."))
    return specialist


def access_own_participant(membership: Membership) -> Participant:
    """The participant record of the signed-in participant; 404 if there is none."""
    require(membership, Permission.OWN_SESSIONS)
    participant = record_of(membership)
    if participant is None:
        raise Http404(_("Not found."))
    return participant


def access_availability_exception(membership: Membership, exception_id) -> AvailabilityException:
    require(membership, Permission.SCHEDULE_MANAGE)
    exceptions = AvailabilityException.objects.filter(specialist=membership)
    return _in_org(exceptions, membership, exception_id)
