import ipaddress

from peerwell.audit import context


def client_ip(request) -> str | None:
    """The client's address in canonical form, or None when it is not an IP address.

    REMOTE_ADDR only: behind a proxy, the ASGI server's --proxy-headers sets it from
    X-Forwarded-For for trusted proxies, so a client cannot forge its address here.
    Canonical, because the database rewrites IPv6 addresses and the audit hash must
    cover what is stored.
    """
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).compressed
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives each request an id and records where it came from, for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_context = context.RequestContext(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        token = context.activate(request.audit_context)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request.audit_context.request_id
        return response
