"""The second factor cannot be moved or reset from an unattended, signed-in screen."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from peerwell.accounts.models import Membership
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from tests import factories


@pytest.fixture
def verified(client, people):
    membership = people[Role.SPECIALIST]
    device = factories.totp_device(membership.user)
    factories.sign_in(client, membership)
    return membership.user, device


def test_moving_to_a_new_phone_needs_a_code_from_the_old_one(
    client, verified, django_capture_on_commit_callbacks
):
    user, old = verified
    page = client.get(reverse("accounts:mfa_setup"))
    assert "current_token" in page.context["form"].fields
    new = user.totpdevice_set.get(confirmed=False)
    refused = client.post(
        reverse("accounts:mfa_setup"),
        {"current_token": "000000", "token": factories.current_code(new)},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["current_token"]
    old.refresh_from_db()
    assert old.confirmed  # still the only authenticator
    old.throttle_reset()  # as if the person took a few seconds to try again
    new.refresh_from_db()
    new.throttle_reset()
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            reverse("accounts:mfa_setup"),
            {"current_token": factories.current_code(old), "token": factories.current_code(new)},
        )
    assert moved.status_code == 200 and len(moved.context["codes"]) == 10
    assert list(user.totpdevice_set.values_list("pk", flat=True)) == [new.pk]
    assert AuditEvent.objects.filter(action="mfa.replaced", actor=user).exists()
    (email,) = mail.outbox
    assert email.to == [user.email] and "tell your program admin" in email.body


def test_new_recovery_codes_need_a_current_code(
    client, verified, django_capture_on_commit_callbacks
):
    user, device = verified
    refused = client.post(reverse("accounts:recovery_codes_regenerate"), {"token": "123456"})
    assert refused.status_code == 200
    assert refused.context["recovery_form"].errors["token"]
    assert not AuditEvent.objects.filter(action="mfa.recovery_codes_regenerated").exists()
    device.refresh_from_db()
    device.throttle_reset()
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            reverse("accounts:recovery_codes_regenerate"), {"token": factories.current_code(device)}
        )
    assert len(made.context["codes"]) == 10
    (email,) = mail.outbox
    assert email.to == [user.email]


def test_the_session_key_changes_when_the_second_factor_passes(client, people):
    user = people[Role.SUPERVISOR].user
    device = factories.totp_device(user)
    client.post("/account/sign-in/", {"username": user.email, "password": factories.PASSWORD})
    before = client.session.session_key
    client.post(reverse("accounts:mfa_verify"), {"token": factories.current_code(device)})
    assert client.session.session_key != before
    assert client.get("/home/").status_code == 200


def test_events_are_filed_under_the_organization_worked_in(client, people, other_org):
    admin = people[Role.ADMIN]
    Membership.objects.create(organization=other_org, user=admin.user, role=Role.AUDITOR)
    factories.sign_in(client, admin)
    client.post("/account/organization/", {"organization": admin.organization_id})
    device = admin.user.totpdevice_set.get()
    device.throttle_reset()
    client.post(
        reverse("accounts:recovery_codes_regenerate"), {"token": factories.current_code(device)}
    )
    event = AuditEvent.objects.get(action="mfa.recovery_codes_regenerated")
    assert event.organization_id == admin.organization_id


def test_demo_and_bench_data_are_refused_in_production(settings, db):
    settings.PRODUCTION = True
    for command in ("seed_demo", "bench_data"):
        with pytest.raises(ImproperlyConfigured):
            call_command(command)
