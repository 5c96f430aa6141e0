from django.urls import path

from peerwell.workforce import views

app_name = "workforce"

urlpatterns = [
    path("staff/<int:membership_id>/cosign/", views.specialist_cosign, name="specialist_cosign"),
]
