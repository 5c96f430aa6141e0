from django.contrib.auth.backends import ModelBackend

from peerwell.accounts.selectors import signed_in_memberships


class AccountBackend(ModelBackend):
    """Django's model backend, reading the signed-in account together with what every
    page asks of it next: its active memberships and whether it has a second factor
    (`signed_in_memberships`). One query on each signed-in request instead of three; the
    middleware reads them from the account (`active_memberships`, `has_confirmed_totp`)."""

    def get_user(self, user_id):
        memberships = signed_in_memberships(user_id)
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        if not self.user_can_authenticate(user):
            return None
        user.active_memberships = memberships
        user.has_confirmed_totp = memberships[0].account_has_totp
        return user


def lockout_username(request, credentials: dict | None) -> str | None:
    """The key django-axes counts failures under: the email, case-folded.

    Without folding, "Ana@x.org" and "ana@x.org" would each get their own five tries.
    """
    username = (credentials or {}).get("username") or (
        request.POST.get("username") if request else None
    )
    return username.strip().lower() if username else None
