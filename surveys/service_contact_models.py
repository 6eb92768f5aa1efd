"""Service contacts: chats and phone calls from the contact-centre system, with the time from
the contact's start to the first response (surveys/services/service_contacts.py writes them,
surveys/selectors/response_delay.py reads them). Imported by surveys.models, where Django finds them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")


class ServiceContact(models.Model):
    external_id = models.CharField(_("external ID"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=5, choices=ContactChannel.choices)
    unit = models.ForeignKey("surveys.Unit", on_delete=models.PROTECT, related_name="service_contacts")
    started_at = models.DateTimeField(_("started at"))
    first_response_at = models.DateTimeField(_("first response at"))
    #: first_response_at − started_at in whole seconds (rounded), stored so that the database
    #: computes the percentiles from an indexed column.
    response_seconds = models.BigIntegerField(_("response delay (seconds)"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("service contact")
        verbose_name_plural = _("service contacts")
        indexes = [
            models.Index(fields=["channel", "started_at"], name="contact_channel_start"),
            models.Index(fields=["unit", "channel", "started_at"], name="contact_unit_channel_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__gte=F("started_at")) & Q(response_seconds__gte=0),
                name="contact_response_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.external_id
