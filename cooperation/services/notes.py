"""Notes the account manager adds to a customer's timeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperation.access import customer_scope, may_write_customers
from cooperation.models import CUSTOMER_NOTE_MAX_LENGTH, CorporateCustomer, CustomerNote
from cooperation.services.common import Errors


@transaction.atomic
def customer_note_add(*, customer: CorporateCustomer, author, text: str) -> CustomerNote:
    """Add a note by ``author`` (who must be able to change the customer: its account manager or
    an administrator). The text is kept as written, without surrounding blank space; an empty
    or over-long note is refused with a message and nothing is saved."""
    scope = customer_scope(author)
    if (
        not may_write_customers(author)
        or scope is None
        or not CorporateCustomer.objects.filter(scope, pk=customer.pk).exists()
    ):
        raise ValidationError(_("You may not add notes to this customer."))
    text = (text or "").strip()
    errors = Errors()
    if not text:
        errors.add("text", _("Write the note before saving it."))
    elif len(text) > CUSTOMER_NOTE_MAX_LENGTH:
        errors.add(
            "text",
            _("A note can be at most %(max)d characters long; this one has %(length)d.")
            % {"max": CUSTOMER_NOTE_MAX_LENGTH, "length": len(text)},
        )
    errors.raise_if_any()
    return CustomerNote.objects.create(customer=customer, author=author, text=text)
