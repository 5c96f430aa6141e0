from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "peerwell.workforce"
    label = "workforce"
    verbose_name = "Workforce"
