from django.urls import path

from peerwell.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("peers/<int:specialist_id>/book/", views.book, name="book"),
    path("participants/<int:participant_id>/book/", views.book_for, name="book_for"),
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/<int:appointment_id>/", views.appointment_detail, name="appointment"),
    path("sessions/<int:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("sessions/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:appointment_id>/no-show/", views.no_show, name="no_show"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/availability/", views.availability, name="availability"),
    path(
        "schedule/availability/exceptions/<int:exception_id>/remove/",
        views.availability_exception_remove,
        name="availability_exception_remove",
    ),
    path("calendar/feeds/", views.calendar_feeds, name="calendar_feeds"),
    path(
        "calendar/feeds/revoke/",
        views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
