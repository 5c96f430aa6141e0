"""Issue 4, shown end to end: a person signs up, confirms their email, answers the
questionnaire, sees peers ranked with reasons, books, gets a confirmation with an .ics,
moves the session and cancels it; their specialist sees it on the calendar and home page.
Then the specialist's side: weekly hours and time off through the form, a booking for a
participant from the chart.

Confirmations are sent by the real database task worker (`db_worker --batch`), run here in
the test's thread as in tests/scheduling/test_reminders_and_calendars.py; the live server
runs in a thread of this process, so both send into the same `mail.outbox`.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from peerwell.scheduling import services
from peerwell.scheduling.models import Appointment, AvailabilityException, WeeklyAvailability
from peerwell.scheduling.rules import WeeklyHours
from tests import factories
from tests.browser.test_staff_and_audit import sign_in_staff
from tests.mailbox import sent_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The program and its specialists are in New York, the participant an hour behind: pages
# and emails show each person their own time, and the two never fall on different days
# for hours between 9:00 and 17:00.
NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
PASSWORD = "sunrise over the river 2026"
DASH = "\u2013"  # between the start and end of a session on the pages


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def legend(day: date) -> str:
    """A day as the booking page and the calendar name it ("Wednesday 25 November")."""
    return f"{day:%A} {day.day} {day:%B}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def specialist_with_hours(org, full_name: str, **profile) -> object:
    specialist = factories.certified(factories.member(org, full_name=full_name), **profile)
    services.availability_set_weekly(
        actor=specialist,
        specialist=specialist,
        hours=[WeeklyHours(day, time(9), time(17)) for day in range(7)],
    )
    return specialist


def test_sign_up_choose_a_peer_book_move_and_cancel(new_page):
    # Tomorrow's sessions may begin less than 24 hours from now, inside the default window
    # after which participants can no longer change a session online. The journey moves
    # its session to tomorrow and then cancels it, whatever the hour the test runs, so the
    # program here lets participants change sessions until they start. (The window itself
    # is tested in tests/scheduling/test_booking.py.)
    org = factories.organization(
        name="Riverside Peer Program",
        slug="riverside",
        self_sign_up=True,
        time_zone="America/New_York",
        cancellation_window_hours=0,
    )
    jordan = specialist_with_hours(
        org,
        "Jordan Ellis",
        lived_experience=["substance_use", "parent", "veteran"],
        languages=["English", "Spanish"],
        specializations=["work", "family"],
        modalities=["video", "phone"],
        story="Twelve years in recovery, a dad of two, and an Army veteran.",
    )
    specialist_with_hours(
        org,
        "Morgan Lee",
        lived_experience=["mental_health", "parent"],
        languages=["English"],
        specializations=["wellbeing"],
        modalities=["phone", "in_person"],
    )
    today = timezone.localdate(timezone=CHICAGO)
    tomorrow, later = today + timedelta(days=1), today + timedelta(days=5)
    mari = "mari@example.org"

    # Sign up.
    checked = new_page()
    page = checked.page
    checked.goto("/join/riverside/")
    expect(page.get_by_role("heading", name="Join Riverside Peer Program")).to_be_visible()
    main = page.get_by_role("main")
    main.get_by_label("Your name").fill("Marisol Ortega")
    main.get_by_label("What should we call you? (optional)").fill("Mari")
    main.get_by_label("Email").fill(mari)
    main.get_by_label("Choose a password").fill(PASSWORD)
    main.get_by_label("Password again").fill(PASSWORD)
    main.get_by_label("Your time zone").select_option("America/Chicago")
    main.get_by_label("Language").select_option(label="English")
    main.get_by_role("checkbox", name=re.compile("I agree to receive peer support")).check()
    main.get_by_role("checkbox", name=re.compile("I agree to video sessions")).check()
    checked.check("sign-up")
    main.get_by_role("button", name="Sign up").click()
    checked.check()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # Confirm the email address with the link from the mailbox, then sign in.
    (welcome,) = mail.outbox
    assert welcome.to == [mari]
    link = re.search(r"https?://\S+/join/confirm/\S+/", welcome.body).group(0)
    page.goto(link)
    checked.check()
    expect(page.get_by_role("heading", name="Email confirmed")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    checked.check()
    page.get_by_label("Email").fill(mari)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    checked.check()

    # The questionnaire.
    expect(page).to_have_url(re.compile(r"/me/preferences/$"))
    expect(page.get_by_role("heading", name="What you look for in a peer")).to_be_visible()
    page.get_by_role("checkbox", name="Work or school").check()
    page.get_by_role("checkbox", name="Parent").check()
    page.get_by_role("checkbox", name="Veteran").check()
    page.get_by_label("Your recovery pathway").select_option(label="Substance use")
    page.get_by_label("A language you would like to speak with your peer").fill("Spanish")
    page.get_by_role("checkbox", name="Video").check()
    page.get_by_role("checkbox", name="Mornings").check()
    checked.check("peer-preferences")
    page.get_by_role("button", name="Save and see peers").click()
    checked.check("peer-directory")

    # Peers ranked, each with the reasons.
    expect(page.get_by_role("status").first).to_contain_text(
        "Here are peer supporters who may suit you"
    )
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        ["Jordan Ellis", "Morgan Lee"]
    )

    def peer(name):
        return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))

    expect(peer("Jordan Ellis")).to_contain_text(
        "Why: shares: Substance use recovery, Parent, Veteran, Spanish; helps with: Work or"
        " school; meets by: Video; mornings free; has room for new participants"
    )
    expect(peer("Morgan Lee")).to_contain_text(
        "Why: shares: Parent; mornings free; has room for new participants"
    )
    page.get_by_role("link", name="See times with Jordan Ellis").click()
    checked.check()

    # Book a time five days ahead: slots are in the participant's time, an hour behind.
    expect(page.get_by_role("heading", name="Book a session with Jordan Ellis")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("in your time zone, America/Chicago")
    day = page.get_by_role("group", name=legend(later), exact=True)
    expect(day.get_by_role("radio")).to_have_count(8)  # 9:00 to 17:00 in New York
    expect(day.get_by_role("radio").first).to_have_accessible_name("08:00")
    day.get_by_role("radio", name="10:00").check()
    page.get_by_label("How would you like to meet?").select_option(label="Video")
    checked.check("booking")
    mail.outbox.clear()
    page.get_by_role("button", name="Book this time").click()
    checked.check("appointment")
    expect(page.get_by_role("status")).to_contain_text("Your session is booked.")
    booked_at = datetime.combine(later, time(10), CHICAGO)
    expect(page.get_by_role("main")).to_contain_text(
        f"{legend(later)} {later.year}, 10:00{DASH}10:50 (America/Chicago)"
    )
    first = Appointment.objects.get()
    assert (first.starts_at, first.modality, first.specialist) == (booked_at, "video", jordan)

    # The confirmation is sent by the task worker, not during the request.
    assert mail.outbox == []
    run_worker()
    assert sent_events() == sorted(
        (email, "REQUEST", first.ical_uid, 0, booked_at) for email in (mari, jordan.user.email)
    )
    to_mari = next(m for m in mail.outbox if m.to == [mari])
    assert f"booked for {legend(later)} {later.year}, 10:00 (Video)" in to_mari.body
    to_jordan = next(m for m in mail.outbox if m.to == [jordan.user.email])
    assert f"booked for {legend(later)} {later.year}, 11:00 (Video)" in to_jordan.body
    assert "Mari" not in to_jordan.body

    # Move it to tomorrow morning.
    page.get_by_role("link", name="Move to another time").click()
    checked.check()
    expect(page.get_by_role("heading", name="Move a session")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"Now booked for {legend(later)}, 10:00")
    page.get_by_role("group", name=legend(tomorrow), exact=True).get_by_role(
        "radio", name="08:00"
    ).check()
    mail.outbox.clear()
    page.get_by_role("button", name="Move to this time").click()
    checked.check()
    moved_at = datetime.combine(tomorrow, time(8), CHICAGO)
    expect(page.get_by_role("status")).to_contain_text("Your session is moved.")
    expect(page.get_by_role("main")).to_contain_text(
        f"{legend(tomorrow)} {tomorrow.year}, 08:00{DASH}08:50 (America/Chicago)"
    )
    moved = Appointment.objects.get(status="booked")
    assert (moved.starts_at, moved.rescheduled_from) == (moved_at, first)
    run_worker()
    # One email each moves the event both calendars hold to the new time.
    assert sent_events() == sorted(
        (email, "REQUEST", first.ical_uid, 1, moved_at) for email in (mari, jordan.user.email)
    )
    to_mari = next(m for m in mail.outbox if m.to == [mari])
    assert f"has moved from {legend(later)} {later.year}, 10:00" in to_mari.body

    # The participant's home lists it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    checked.check("home-participant")
    next_steps = page.get_by_role("region", name="Your next steps")
    expect(next_steps.get_by_role("listitem")).to_have_text([f"{legend(tomorrow)}, 08:00 · Video"])
    expect(next_steps.get_by_role("link", name="Book a session with Jordan Ellis")).to_be_visible()

    # The specialist sees it on their home page and calendar, in New York time.
    staff = new_page()
    staff_page = staff.page
    sign_in_staff(staff, jordan)
    expect(staff_page.get_by_role("region", name="Sessions today and tomorrow")).to_contain_text(
        f"{tomorrow:%a} 09:00 Mari · Video"
    )
    staff_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My calendar"
    ).click()
    # The calendar opens on this week in New York (where it may already be tomorrow).
    today_there = timezone.localdate(timezone=NEW_YORK)
    if monday_of(tomorrow) != monday_of(today_there):
        staff.check()
        staff_page.get_by_role("link", name="Next week").click()
    staff.check("specialist-calendar")
    tomorrow_on_calendar = staff_page.get_by_role(
        "region", name=re.compile(f"^{legend(tomorrow)}( · today)?$")
    )
    expect(tomorrow_on_calendar.get_by_role("listitem")).to_have_text(
        [f"09:00{DASH}09:50 Mari · Video"]
    )
    expect(
        staff_page.get_by_role("main").get_by_role("link", name=re.compile("Mari"))
    ).to_have_count(1)

    # The participant cancels from the home page's link.
    next_steps.get_by_role("link", name=f"{legend(tomorrow)}, 08:00").click()
    checked.check()
    page.get_by_label("Reason (optional)").fill("Starting a new job that week")
    mail.outbox.clear()
    page.get_by_role("button", name="Cancel this session").click()
    checked.check()
    expect(page.get_by_role("status")).to_contain_text("The session is cancelled.")
    expect(page.get_by_role("definition").filter(has_text="Cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="Move to another time")).to_have_count(0)
    run_worker()
    assert sent_events() == sorted(
        (email, "CANCEL", first.ical_uid, 2, moved_at) for email in (mari, jordan.user.email)
    )

    # Gone from the specialist's calendar.
    staff_page.reload()
    staff.check()
    expect(tomorrow_on_calendar.get_by_role("listitem")).to_have_text(["No sessions."])


def test_specialist_sets_hours_and_time_off_then_books_for_a_participant(new_page):
    org = factories.organization(name="Riverside Peer Program", time_zone="America/New_York")
    jordan = factories.certified(
        factories.member(org, full_name="Jordan Ellis"), modalities=["phone", "video"]
    )
    rosie = factories.participant(org, jordan, preferred_name="Rosie")
    factories.consents(rosie, jordan, "services")
    today = timezone.localdate(timezone=NEW_YORK)
    tomorrow, after = today + timedelta(days=1), today + timedelta(days=2)
    checked = new_page()
    page = checked.page
    sign_in_staff(checked, jordan)

    # Weekly hours through the form: every day 9:00 to 17:00, Mondays with a lunch break.
    page.get_by_role("region", name="Sessions today and tomorrow").get_by_role(
        "link", name="My hours"
    ).click()
    checked.check()
    for weekday in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        first_window = page.get_by_role("group", name=weekday)
        first_window.get_by_label(re.compile(f"^{weekday} from")).fill("09:00")
        first_window.get_by_label(re.compile(f"^{weekday} until")).fill("17:00")
    monday = page.get_by_role("group", name="Monday")
    monday.get_by_label(re.compile("^Monday until")).fill("12:00")
    monday.get_by_label("Monday, second stretch, from").fill("13:00")
    monday.get_by_label("Monday, second stretch, until").fill("17:00")
    page.get_by_role("button", name="Save weekly hours").click()
    checked.check()
    expect(page.get_by_role("status")).to_have_text("Your weekly hours are saved.")
    expect(monday.get_by_label("Monday, second stretch, from")).to_have_value("13:00")
    assert WeeklyAvailability.objects.filter(specialist=jordan).count() == 8

    # A day off tomorrow.
    page.get_by_label("Kind").select_option(label="Time off (not available)")
    page.get_by_label(re.compile("^From")).fill(f"{tomorrow:%Y-%m-%d}T00:00")
    page.get_by_label(re.compile("^Until")).fill(f"{after:%Y-%m-%d}T00:00")
    page.get_by_label("Note (optional)").fill("Training day")
    page.get_by_role("button", name="Add").click()
    checked.check("availability")
    expect(page.get_by_role("status")).to_have_text("The change to your hours is saved.")
    expect(page.get_by_role("main")).to_contain_text(
        f"Time off (not available): {tomorrow.day} {tomorrow:%B} 00:00 {DASH}"
        f" {after.day} {after:%B} 00:00 (Training day)"
    )
    (time_off,) = AvailabilityException.objects.filter(specialist=jordan)
    assert time_off.starts_at == datetime.combine(tomorrow, time(0), NEW_YORK)

    # Book for a participant from their chart: no times tomorrow, the day off.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    checked.check()
    page.get_by_role("link", name="Rosie").click()
    checked.check()
    page.get_by_role("link", name="Book a session").click()
    checked.check()
    expect(page.get_by_role("heading", name="Book a session with Jordan Ellis")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("For Rosie.")
    expect(page.get_by_role("group", name=legend(tomorrow), exact=True)).to_have_count(0)
    day = page.get_by_role("group", name=legend(after), exact=True)
    expect(day.get_by_role("radio").first).to_have_accessible_name("09:00")
    day.get_by_role("radio", name="14:00").check()
    page.get_by_label("How would you like to meet?").select_option(label="Phone")
    page.get_by_role("button", name="Book this time").click()
    checked.check()
    expect(page.get_by_role("status")).to_have_text("The session is booked.")
    expect(page.get_by_role("main")).to_contain_text(
        f"{legend(after)} {after.year}, 14:00{DASH}14:50 (America/New_York)"
    )
    expect(page.get_by_role("link", name="Rosie")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.starts_at == datetime.combine(after, time(14), NEW_YORK)
    assert appointment.booked_by == jordan.user

    # A no-show can be recorded only once the session has begun: no button before.
    expect(page.get_by_role("link", name="Move to another time")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as a no-show")).to_have_count(0)
