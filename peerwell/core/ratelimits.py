"""Limits on email sent to an address someone typed (sign-up, password reset): nobody can
flood a mailbox, or try address after address from one place.

Counted in the cache (django-ratelimit): shared by every web process with Redis, as in
production; with the in-process cache each process counts on its own.
"""

import logging

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from peerwell.audit.middleware import client_ip

logger = logging.getLogger("peerwell.security")

TOO_MANY = _(
    "Too many emails have been asked for from here or for this address. Please wait an hour "
    "and try again."
)


def email_sending_limited(request, email: str) -> bool:
    """Count one email about to be sent to EMAIL at this client's request; True when the
    address or the client is over its hourly rate, and then nothing should be sent. The
    same counts serve every form that sends such an email."""
    address = is_ratelimited(
        request,
        group="email-sending:address",
        key=lambda _group, _request: email.strip().casefold(),
        rate=settings.PEERWELL_EMAIL_RATE_PER_ADDRESS,
        increment=True,
    )
    client = is_ratelimited(
        request,
        group="email-sending:client",
        # The audit trail's reading of the client's address: a server on a Unix socket, or
        # anything else that is not an IP address, counts as one unknown client, not a 500.
        key=lambda _group, request: client_ip(request) or "unknown",
        rate=settings.PEERWELL_EMAIL_RATE_PER_CLIENT,
        increment=True,
    )
    if address or client:
        # No address in the log: it is what someone typed, maybe another person's.
        logger.warning(
            "email sending refused: over the hourly rate per %s", "address" if address else "client"
        )
    return address or client
