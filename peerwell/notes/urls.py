from django.urls import path

from peerwell.notes import views

app_name = "notes"

urlpatterns = [
    path("participants/<int:participant_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("notes/<int:note_id>/", views.note_view, name="note"),
    path("notes/<int:note_id>/draft/", views.note_draft, name="draft"),
    path("notes/<int:note_id>/sign/", views.note_sign, name="sign"),
    path("notes/<int:note_id>/addenda/", views.addendum_add, name="addendum"),
    path("notes/<int:note_id>/cosign/", views.note_cosign, name="cosign"),
    path("notes/<int:note_id>/return/", views.note_return, name="return"),
    path("supervision/cosign/", views.cosign_queue, name="cosign_queue"),
    path("my/notes/", views.my_notes, name="my_notes"),
    path("my/notes/<int:note_id>/", views.my_note, name="my_note"),
]
