from peerwell.accounts.middleware import idle_timeout_seconds
from peerwell.core import policy
from peerwell.core.policy import Permission


def shell(request) -> dict:
    """What the base layout needs: the member's role, navigation and idle timeout."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None}
    return {
        "membership": membership,
        "mfa_pending": getattr(request, "mfa_pending", False),
        "memberships": getattr(request, "memberships", []),
        "can": {p.name.lower(): policy.has_permission(membership, p) for p in Permission},
        "idle_timeout_seconds": idle_timeout_seconds(request),
    }
