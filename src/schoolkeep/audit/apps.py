from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "schoolkeep.audit"
    label = "audit"
    verbose_name = "Audit trail"
