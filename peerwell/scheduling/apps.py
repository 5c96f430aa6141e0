from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "peerwell.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
