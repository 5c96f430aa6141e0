from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerwell.audit"
    label = "audit"
    verbose_name = "Audit trail"
