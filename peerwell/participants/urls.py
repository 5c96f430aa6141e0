from django.urls import path

from peerwell.participants import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_intake, name="intake"),
    path("<int:participant_id>/", views.participant_chart, name="chart"),
    path("<int:participant_id>/edit/", views.participant_edit, name="edit"),
    path("<int:participant_id>/status/", views.participant_status, name="status"),
    path("<int:participant_id>/assign/", views.participant_assign, name="assign"),
    path("<int:participant_id>/consents/new/", views.consent_new, name="consent_new"),
    path(
        "<int:participant_id>/consents/<int:consent_id>/revoke/",
        views.consent_revoke,
        name="consent_revoke",
    ),
]
