"""Journeys of signing in: a second factor, enrolment, lockout, idle timeout, keyboard."""

import base64
import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.oath import TOTP
from playwright.sync_api import expect

from peerwell.accounts.middleware import SESSION_ACTIVITY_KEY
from peerwell.core.roles import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(checked, email, password=factories.PASSWORD):
    page = checked.page
    checked.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return checked.check()


def test_staff_sign_in_with_an_authenticator_code(new_page):
    org = factories.organization(name="Riverside Peer Program")
    specialist = factories.member(org, Role.SPECIALIST, full_name="Jordan Ellis")
    device = factories.totp_device(specialist.user)
    checked = new_page()
    page = checked.page

    checked.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Peerwell")).to_be_visible()
    checked.check("sign-in")
    sign_in(checked, specialist.user.email)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    checked.check("mfa-verify")
    page.get_by_label("Code").fill(factories.current_code(device))
    page.get_by_role("button", name="Verify").click()
    checked.check("home-specialist")
    expect(page.get_by_role("heading", name="Good to see you, Jordan Ellis")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Riverside Peer Program")


def test_new_staff_enrol_an_authenticator_then_see_their_home(new_page):
    org = factories.organization(name="Riverside Peer Program")
    admin = factories.member(org, Role.ADMIN, full_name="Dana Whitfield")
    checked = new_page()
    page = checked.page

    sign_in(checked, admin.user.email)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    checked.check("mfa-setup")
    key = base64.b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from your app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    checked.check("recovery-codes")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="I saved them, continue").click()
    checked.check("home-admin")
    expect(page.get_by_role("heading", name=org.name)).to_be_visible()


def test_repeated_failures_lock_the_account(new_page, settings):
    org = factories.organization()
    participant = factories.member(org, Role.PARTICIPANT)
    checked = new_page()
    page = checked.page
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(checked, participant.user.email, "not my password")
        expect(page.get_by_role("alert")).to_contain_text(
            "That email and password do not match an account."
        )
        expect(page.get_by_role("alert")).to_be_focused()
    sign_in(checked, participant.user.email, "not my password")
    expect(page.get_by_role("heading", name="Sign-in is locked for now")).to_be_visible()
    checked.check("locked-out")
    sign_in(checked, participant.user.email)  # the right password no longer helps
    expect(page.get_by_role("heading", name="Sign-in is locked for now")).to_be_visible()


def _age_session(context, minutes: float) -> None:
    """Make the server's session look idle for this long, as if time had passed."""
    cookie = next(c for c in context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[SESSION_ACTIVITY_KEY] = time.time() - minutes * 60
    session.save()


def test_idle_warning_then_sign_out(new_page):
    org = factories.organization(name="Riverside Peer Program", idle_timeout_minutes=15)
    participant = factories.member(org, Role.PARTICIPANT, full_name="Alex Moreno")
    checked = new_page()
    page = checked.page
    page.clock.install()
    sign_in(checked, participant.user.email)
    expect(page.get_by_role("heading", name="Welcome, Alex Moreno")).to_be_visible()

    account_link = page.get_by_role("link", name="My account")
    account_link.focus()
    page.clock.run_for("14:01")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible()
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    checked.check("idle-warning")
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    expect(account_link).to_be_focused()  # back where the person was

    _age_session(page.context, 16)
    page.clock.run_for("15:03")
    expect(page.get_by_role("heading", name="Sign in to Peerwell")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("signed out because there was no activity")
    checked.check()


def test_keyboard_alone_reaches_the_content(new_page):
    org = factories.organization()
    participant = factories.member(org, Role.PARTICIPANT, full_name="Alex Moreno")
    checked = new_page()
    page = checked.page
    sign_in(checked, participant.user.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_home_on_a_phone(new_page):
    org = factories.organization(name="Riverside Peer Program")
    participant = factories.member(org, Role.PARTICIPANT, full_name="Alex Moreno")
    checked = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = checked.page
    sign_in(checked, participant.user.email)
    checked.check("home-participant-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
