import datetime as dt
import secrets

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cooperation.access import CUSTOMER_ROLES, Role
from cooperation.models import CorporateCustomer
from portal.accounts.models import User


@transaction.atomic
def user_upsert(
    *, email: str, role: str, customer_business_id: str | None = None, password: str | None = None
) -> tuple[User, bool, str | None]:
    """Create or update the user with this email (operations' `add_user`).

    Returns the user, whether it was created, and a generated password when a new user got one."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; one of {', '.join(Role.values)}."})
    customer = None
    if role in CUSTOMER_ROLES:
        if not customer_business_id:
            raise ValidationError({"customer": "A decision-maker or supervisor needs --customer BUSINESS_ID."})
        customer = CorporateCustomer.objects.filter(business_id=customer_business_id).first()
        if customer is None:
            raise ValidationError({"customer": f"Unknown customer {customer_business_id}."})
    elif customer_business_id:
        raise ValidationError({"customer": f"Only decision-makers and supervisors belong to a company, not {role}."})

    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=User.objects.normalize_email(email).lower())
    user.role = role
    user.customer = customer
    # Django admin is the back office: only administrators reach it.
    user.is_staff = user.is_superuser = role == Role.ADMIN
    generated = None
    if password:
        user.set_password(password)
    elif created:
        generated = secrets.token_urlsafe(12)
        user.set_password(generated)
    user.full_clean(exclude=["password"])
    user.save()
    return user, created, generated


def signin_records_expire(*, now=None) -> dict[str, int]:
    """Delete django-axes' records of sign-ins, failures and lockout counters older than
    SIGNIN_RECORD_RETENTION_DAYS (0: keep): they hold who tried to sign in from which address.
    A lockout lasts AXES_COOLOFF_MINUTES, far less than any sensible retention, so no live
    lockout is lifted by this."""
    days = settings.SIGNIN_RECORD_RETENTION_DAYS
    if days <= 0:
        return {}
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return {
        model._meta.model_name: model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    }
