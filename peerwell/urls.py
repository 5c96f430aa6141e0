from django.urls import include, path

urlpatterns = [
    path("", include("peerwell.core.urls")),
    path("", include("peerwell.accounts.urls")),
    path("audit/", include("peerwell.audit.urls")),
    path("", include("peerwell.participants.urls")),
    path("", include("peerwell.notes.urls")),
    path("", include("peerwell.workforce.urls")),
    path("", include("peerwell.matching.urls")),
    path("", include("peerwell.scheduling.urls")),
]

handler400 = "peerwell.core.errors.bad_request"
handler403 = "peerwell.core.errors.permission_denied"
handler404 = "peerwell.core.errors.page_not_found"
handler500 = "peerwell.core.errors.server_error"
