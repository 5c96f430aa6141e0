from django.urls import path

from peerwell.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("health/", views.health, name="health"),
    path("home/", views.home, name="home"),
    path("organization/", views.organization_settings, name="organization_settings"),
]
