from django.urls import path

from peerwell.participants import views

app_name = "participants"

urlpatterns = [
    path("join/check-your-email/", views.sign_up_sent, name="sign_up_sent"),
    path("join/<slug:organization_slug>/", views.sign_up, name="sign_up"),
    path("join/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("me/preferences/", views.my_preferences, name="my_preferences"),
    path("participants/", views.participant_list, name="list"),
    path("participants/new/", views.participant_intake, name="intake"),
    path("participants/<int:participant_id>/", views.participant_chart, name="chart"),
    path("participants/<int:participant_id>/edit/", views.participant_edit, name="edit"),
    path("participants/<int:participant_id>/status/", views.participant_status, name="status"),
    path("participants/<int:participant_id>/assign/", views.participant_assign, name="assign"),
    path(
        "participants/<int:participant_id>/portal-invite/",
        views.portal_invite,
        name="portal_invite",
    ),
    path("participants/<int:participant_id>/consents/new/", views.consent_new, name="consent_new"),
    path(
        "participants/<int:participant_id>/consents/<int:consent_id>/revoke/",
        views.consent_revoke,
        name="consent_revoke",
    ),
]
