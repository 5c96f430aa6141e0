"""Who is acting and from where, for the audit events written while handling one request.

The request middleware fills it; management commands and tasks run with the empty context
(no address, a fresh request id), so their events still chain and verify.
"""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip_address: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "peerwell_audit_context", default=None
)


def current() -> RequestContext:
    return _current.get() or RequestContext()


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
