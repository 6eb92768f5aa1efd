from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Connects the receivers that store audit events: the cooperation.audit signal every app
        # sends, and the model signals of users, their groups and permissions, and answers.
        from portal.audit import receivers  # noqa: F401
