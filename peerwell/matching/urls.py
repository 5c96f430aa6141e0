from django.urls import path

from peerwell.matching import views

app_name = "matching"
urlpatterns = [path("peers/", views.directory, name="directory")]
