from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "peerwell.notes"
    label = "notes"
    verbose_name = "Contacts and goal notes"
