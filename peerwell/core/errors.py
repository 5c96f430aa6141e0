"""Error pages: a plain message in the person's language, never a stack trace."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request, status: int, title: str, message: str):
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _error(
        request,
        400,
        _("Bad request"),
        _("Something in the request was not valid. Go back and try again."),
    )


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else ""
    return _error(
        request, 403, _("Not allowed"), detail or _("Your role does not allow this page.")
    )


def page_not_found(request, exception=None):
    return _error(
        request, 404, _("Not found"), _("There is nothing here, or it is not yours to see.")
    )


def server_error(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("We could not finish this. Nothing you saved is lost; please try again."),
    )


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Page expired"),
        _(
            "This form was open too long or came from somewhere else. Reload the page and try again."
        ),
    )
