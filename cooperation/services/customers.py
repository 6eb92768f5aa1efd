"""Corporate customers."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cooperation.access import is_admin
from cooperation.business_id import validate_business_id
from cooperation.industries import industry_code
from cooperation.models import (
    CorporateCustomer,
    Segment,
)
from cooperation.services.common import (
    ACCOUNT_MANAGER_ROLES,
    UNSET,
    Errors,
    _apply,
    _given,
)

# --- Corporate customers ----------------------------------------------------------------------


def _account_manager_by_email(email: str | None, errors: Errors):
    if not email:
        return None
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not (user.role in ACCOUNT_MANAGER_ROLES or user.is_superuser):
        errors.add("account_manager", _("No account manager with the email %(email)s.") % {"email": email})
        return None
    return user


def _check_industry(industry: str | None, errors: Errors) -> str:
    """The TOL 2008 section letter ``industry`` names (its letter or its official name in any of
    the three languages); ``""`` for none."""
    code = industry_code(industry or "")
    if code is None:
        errors.add(
            "industry",
            _(
                "Unknown industry “%(value)s”. Give the section letter of the TOL 2008 industrial "
                "classification, from A to U: for example “C” for manufacturing, or leave it empty."
            )
            % {"value": industry},
        )
        return ""
    return code


def _check_segment(segment: str | None, errors: Errors) -> str:
    if segment in (None, ""):
        return ""
    if segment not in Segment.values:
        errors.add("segment", _("Choose “large” or “sme”."))
        return ""
    return segment


def customer_create(
    *,
    business_id: str,
    name: str,
    headcount: int = 0,
    industry: str = "",
    segment: str | None = None,
    account_manager_email: str | None = None,
    by=None,
) -> CorporateCustomer:
    """A new corporate customer. The segment is derived from the headcount unless ``segment``
    overrides it. An account manager creating a customer keeps it in their own portfolio."""
    errors = Errors()
    business_id = (business_id or "").strip()
    try:
        validate_business_id(business_id)
    except ValidationError as e:
        errors.merge(e, field="business_id")
    else:
        if CorporateCustomer.objects.filter(business_id=business_id).exists():
            errors.add("business_id", _("A customer with this business ID already exists."))
    if not (name or "").strip():
        errors.add("name", _("Give the customer's name."))
    if headcount is None or headcount < 0:
        errors.add("headcount", _("The headcount cannot be negative."))
    override = _check_segment(segment, errors)
    industry = _check_industry(industry, errors)
    manager = _account_manager_by_email(account_manager_email, errors)
    if by is not None and not is_admin(by):
        # An account manager's new customer lands in their own portfolio, never in someone else's.
        if manager is not None and manager.pk != by.pk:
            errors.add("account_manager", _("You can add customers only to your own portfolio."))
        manager = by
    errors.raise_if_any()
    customer = CorporateCustomer(
        business_id=business_id,
        name=name.strip(),
        headcount=headcount or 0,
        industry=industry,
        segment_override=override,
        account_manager=manager,
    )
    customer.full_clean(exclude=["segment"])
    with transaction.atomic():
        try:
            customer.save()
        except IntegrityError as e:  # a concurrent create of the same business ID
            raise ValidationError({"business_id": [_("A customer with this business ID already exists.")]}) from e
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: CorporateCustomer,
    name: str = UNSET,
    headcount: int = UNSET,
    industry: str = UNSET,
    segment: str | None = UNSET,
    account_manager_email: str | None = UNSET,
    by=None,
) -> CorporateCustomer:
    """Change a customer; ``segment=None`` drops an override so the headcount decides again.
    Only an administrator hands a customer over to another account manager."""
    errors = Errors()
    values: dict[str, Any] = {"name": name, "headcount": headcount, "industry": industry}
    if _given(name) and not (name or "").strip():
        errors.add("name", _("Give the customer's name."))
    if _given(headcount) and (headcount is None or headcount < 0):
        errors.add("headcount", _("The headcount cannot be negative."))
    if _given(industry):
        values["industry"] = _check_industry(industry, errors)
    if _given(segment):
        values["segment_override"] = _check_segment(segment, errors)
    if _given(account_manager_email):
        manager = _account_manager_by_email(account_manager_email, errors)
        if by is not None and not is_admin(by) and manager != customer.account_manager:
            errors.add(
                "account_manager", _("Only an administrator can hand a customer over to another account manager.")
            )
        values["account_manager"] = manager
    errors.raise_if_any()
    if _apply(customer, values):
        customer.save()
    return customer
