from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peerwell.matching"
    label = "matching"
    verbose_name = "Peer matching"

    def ready(self):
        from peerwell.matching import signals

        signals.connect()
