from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerwell.core"
    label = "core"
    verbose_name = "Peerwell core"
