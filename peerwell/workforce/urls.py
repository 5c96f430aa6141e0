from django.urls import path

from peerwell.workforce import views

app_name = "workforce"

urlpatterns = [
    path("staff/<int:membership_id>/cosign/", views.specialist_cosign, name="specialist_cosign"),
    path(
        "staff/<int:membership_id>/certifications/",
        views.certifications,
        name="certifications",
    ),
    path("me/profile/", views.my_profile, name="my_profile"),
    path("peers/<int:membership_id>/photo/", views.photo, name="photo"),
]
