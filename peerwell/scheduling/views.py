from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwell.audit.services import audit_read
from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.core.roles import Role
from peerwell.scheduling import ical, selectors, services
from peerwell.scheduling.forms import (
    AvailabilityExceptionForm,
    BookingForm,
    CancelForm,
    WeeklyHoursForm,
)
from peerwell.workforce.selectors import profile_of

SLOT_DAYS = 14
# On the address a booking leads to: the session's page then says it was just booked, as
# it renders, so a booking writes nothing to the session (a stored message would).
BOOKED_FLAG = "booked"
CALENDAR_REACH_DAYS = 5 * 366  # the calendar pages this far back and ahead


def _booking_page(request, *, participant, specialist, reschedule=None):
    """Open slots of one specialist, in the viewer's zone, and the booking form."""
    if request.method == "GET":
        audit_read(
            request, "appointment.booking_viewed", obj=participant, participant_id=participant.pk
        )
    profile = profile_of(specialist)
    for_participant = request.membership.role == Role.PARTICIPANT
    form = BookingForm(request.POST or None, modalities=profile.modalities)
    if reschedule is not None:
        # A moved session keeps how it meets: the page asks only for the new time.
        del form.fields["modality"]
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if reschedule is not None:
                appointment = services.appointment_reschedule(
                    actor=request.membership,
                    appointment=reschedule,
                    starts_at=form.cleaned_data["starts_at"],
                )
            else:
                appointment = services.appointment_book(
                    actor=request.membership,
                    participant=participant,
                    specialist=specialist,
                    **form.cleaned_data,
                )
        except services.SlotTaken as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            url = reverse("scheduling:appointment", kwargs={"appointment_id": appointment.pk})
            return redirect(f"{url}?{BOOKED_FLAG}=1")
    elif request.method == "POST":
        status = 400
    # Each slot as the form's value and the time shown, formatted once here rather than
    # looked up three times per slot by the template.
    days = [
        (day, [(slot.isoformat(), slot.strftime("%H:%M")) for slot in slots])
        for day, slots in selectors.open_slots_by_day(
            specialist,
            timezone.get_current_timezone_name(),
            SLOT_DAYS,
            for_participant=for_participant,
            moving=reschedule,
        )
    ]
    return render(
        request,
        "scheduling/book.html",
        {
            "participant": participant,
            "specialist": specialist,
            "profile": profile,
            "days": days,
            "form": form,
            "error_form": form if form.errors else None,
            "reschedule": reschedule,
            "zone": timezone.get_current_timezone_name(),
            "chosen": request.POST.get("starts_at", ""),
        },
        status=status,
    )


@policy.permission_required(Permission.OWN_SESSIONS)
def book(request, specialist_id: int):
    """A participant books a session with a peer from the directory (or their own peer)."""
    participant = policy.access_own_participant(request.membership)
    specialist = policy.access_specialist(request.membership, specialist_id)
    return _booking_page(request, participant=participant, specialist=specialist)


@policy.permission_required(Permission.APPOINTMENT_BOOK)
def book_for(request, participant_id: int):
    """Staff book a session for a participant: a specialist with themself, others with the
    participant's primary specialist."""
    participant = policy.access_participant(
        request.membership, participant_id, Permission.APPOINTMENT_BOOK
    )
    specialist = (
        request.membership
        if request.membership.role == Role.SPECIALIST
        else selectors.primary_specialist(participant)
    )
    if specialist is None:
        messages.error(request, _("Assign a primary specialist before booking."))
        return redirect("participants:chart", participant_id=participant.pk)
    return _booking_page(request, participant=participant, specialist=specialist)


def appointment_detail(request, appointment_id: int):
    appointment = policy.access_appointment(request.membership, appointment_id)
    audit_read(
        request,
        "appointment.viewed",
        obj=appointment,
        participant_id=appointment.participant_id,
    )
    is_participant = request.membership.role == Role.PARTICIPANT
    if (
        request.GET.get(BOOKED_FLAG)
        and appointment.is_booked
        and appointment.booked_by_id == request.user.pk
    ):
        moved = appointment.rescheduled_from_id is not None
        if is_participant:
            message = (
                _("Your session is moved. A confirmation is on its way by email.")
                if moved
                else _("Your session is booked. A confirmation is on its way by email.")
            )
        else:
            message = _("The session is moved.") if moved else _("The session is booked.")
        messages.success(request, message)
    may_book = policy.has_permission(request.membership, Permission.APPOINTMENT_BOOK)
    window = appointment.organization.cancellation_window_hours
    may_change = appointment.is_booked and (
        may_book
        or (is_participant and timezone.now() <= appointment.participant_may_change_until(window))
    )
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "moved_to": selectors.moved_to(appointment),
            "is_participant": is_participant,
            "may_change": may_change,
            "change_until": appointment.participant_may_change_until(window),
            "may_mark_no_show": may_book
            and appointment.is_booked
            and appointment.starts_at <= timezone.now(),
            "cancel_form": CancelForm(),
            "zone": timezone.get_current_timezone_name(),
        },
    )


def reschedule(request, appointment_id: int):
    appointment = policy.access_appointment(
        request.membership, appointment_id, Permission.APPOINTMENT_BOOK
    )
    if request.membership.role == Role.PARTICIPANT:
        participant = policy.access_own_participant(request.membership)
    else:
        participant = policy.access_participant(
            request.membership, appointment.participant_id, Permission.APPOINTMENT_BOOK
        )
    if not appointment.is_booked:
        raise Http404(_("Not found."))
    return _booking_page(
        request, participant=participant, specialist=appointment.specialist, reschedule=appointment
    )


@require_POST
def cancel(request, appointment_id: int):
    appointment = policy.access_appointment(
        request.membership, appointment_id, Permission.APPOINTMENT_BOOK
    )
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.appointment_cancel(
            actor=request.membership, appointment=appointment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is cancelled."))
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


@require_POST
@policy.permission_required(Permission.APPOINTMENT_BOOK)
def no_show(request, appointment_id: int):
    appointment = policy.access_appointment(request.membership, appointment_id)
    try:
        services.appointment_mark_no_show(actor=request.membership, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as a no-show."))
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


@policy.permission_required(Permission.OWN_SESSIONS)
def my_sessions(request):
    participant = policy.access_own_participant(request.membership)
    audit_read(request, "appointment.list_viewed", obj=participant, participant_id=participant.pk)
    return render(
        request,
        "scheduling/my_sessions.html",
        {
            "upcoming": selectors.upcoming_for_participant(participant),
            "peer": selectors.primary_specialist(participant),
            "zone": timezone.get_current_timezone_name(),
        },
    )


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@policy.permission_required(Permission.SCHEDULE_MANAGE)
def schedule(request):
    """The specialist's calendar by day or by week, in their own zone."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    if abs((day - today).days) > CALENDAR_REACH_DAYS:
        day = today
    week = request.GET.get("view") != "day"
    first_day = _week_start(day) if week else day
    days = [first_day + timedelta(days=n) for n in range(7 if week else 1)]
    by_day = selectors.calendar_days(request.membership, days)
    audit_read(
        request,
        "calendar.viewed",
        obj=request.membership,
        detail={"participants": sorted({a.participant_id for _, day in by_day for a in day})},
    )
    step = timedelta(days=7 if week else 1)
    return render(
        request,
        "scheduling/schedule.html",
        {
            "week": week,
            "days": by_day,
            "previous": days[0] - step,
            "next": days[0] + step,
            "today": timezone.localdate(),
            "day": day,
            "zone": timezone.get_current_timezone_name(),
        },
    )


@policy.permission_required(Permission.SCHEDULE_MANAGE)
def availability(request):
    """Weekly hours and exceptions (time off, extra hours) of the signed-in specialist."""
    specialist = request.membership
    rows = selectors.weekly_hours_of(specialist)
    hours_form = WeeklyHoursForm(
        request.POST if "save_hours" in request.POST else None,
        initial=WeeklyHoursForm.initial_from(rows),
    )
    exception_form = AvailabilityExceptionForm(
        request.POST if "add_exception" in request.POST else None
    )
    if request.method == "POST":
        form = hours_form if "save_hours" in request.POST else exception_form
        if form.is_valid():
            try:
                if form is hours_form:
                    services.availability_set_weekly(
                        actor=specialist, specialist=specialist, hours=form.cleaned_data["hours"]
                    )
                    messages.success(request, _("Your weekly hours are saved."))
                else:
                    services.availability_exception_add(
                        actor=specialist, specialist=specialist, **form.cleaned_data
                    )
                    messages.success(request, _("The change to your hours is saved."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("scheduling:availability")
    errors = next((f for f in (hours_form, exception_form) if f.errors), None)
    return render(
        request,
        "scheduling/availability.html",
        {
            "hours_form": hours_form,
            "exception_form": exception_form,
            "error_form": errors,
            "exceptions": selectors.exceptions_ahead(specialist),
            "zone": selectors.zone_of(specialist),
        },
        status=400 if errors else 200,
    )


@require_POST
@policy.permission_required(Permission.SCHEDULE_MANAGE)
def availability_exception_remove(request, exception_id: int):
    exception = policy.access_availability_exception(request.membership, exception_id)
    services.availability_exception_remove(actor=request.membership, exception=exception)
    messages.success(request, _("Removed."))
    return redirect("scheduling:availability")


@policy.permission_required(Permission.CALENDAR_FEED)
def calendar_feeds(request):
    """Private subscription addresses for calendar apps; a new one is shown once."""
    if request.method == "POST":
        _feed, token = services.calendar_feed_create(actor=request.membership)
        request.session["new_feed_url"] = request.build_absolute_uri(f"/calendar/{token}.ics")
        return redirect("scheduling:calendar_feeds")
    return render(
        request,
        "scheduling/calendar_feeds.html",
        {
            "feed": selectors.feed_of(request.membership),
            "new_feed_url": request.session.pop("new_feed_url", None),
        },
    )


@require_POST
@policy.permission_required(Permission.CALENDAR_FEED)
def calendar_feed_revoke(request):
    if services.calendar_feed_revoke(actor=request.membership):
        messages.success(request, _("Your calendar address no longer works."))
    return redirect("scheduling:calendar_feeds")


@login_not_required
def calendar_feed(request, token: str):
    """The feed itself: no sign-in, the unguessable token is the key."""
    feed = selectors.active_feed(services.hash_feed_token(token))
    if feed is None or not feed.membership.user.is_active:
        raise Http404(_("Not found."))
    if not policy.has_permission(feed.membership, Permission.CALENDAR_FEED):
        raise Http404(_("Not found."))
    services.calendar_feed_read(feed)
    body = ical.feed(selectors.feed_appointments(feed.membership), _("Peer support sessions"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
