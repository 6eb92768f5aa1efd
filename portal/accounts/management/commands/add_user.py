from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperation.access import Role
from portal.accounts.services import user_upsert
from portal.audit.context import audit_context
from surveys.services import quality_units_set


class Command(BaseCommand):
    help = "Create or update a user with a role (re-running it updates the user)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--customer", metavar="BUSINESS_ID", help="the company of a decision-maker or supervisor")
        parser.add_argument("--password", help="without it a new user gets a generated password, printed once")
        parser.add_argument(
            "--unit",
            metavar="CODE",
            action="append",
            default=None,
            help="a unit whose feedback a quality person follows (repeatable; replaces the user's units)",
        )
        parser.add_argument(
            "--lead",
            metavar="CODE",
            action="append",
            default=None,
            help="a unit the quality person leads: overdue feedback cases are escalated to them (repeatable)",
        )

    def handle(self, *args, email, role, customer, password, unit=None, lead=None, **options):
        if (unit or lead) and role != Role.QUALITY:
            raise CommandError(f"--unit and --lead are for quality staff, not {role}.")
        try:
            # The audit log records the user's creation and any change of role or permissions,
            # with no actor (operations' shell) but the command's name.
            with audit_context(via="add_user"), transaction.atomic():
                user, created, generated = user_upsert(
                    email=email, role=role, customer_business_id=customer, password=password
                )
                if unit is not None or lead is not None:
                    quality_units_set(user=user, unit_codes=unit or [], lead_codes=lead or [])
        except ValidationError as exc:
            messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
            raise CommandError(messages) from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} {user.email} ({user.role}).")
        if unit is not None or lead is not None:
            codes = sorted(set(unit or []) | set(lead or []))
            self.stdout.write(
                f"Follows the feedback of: {', '.join(codes)}" + (f"; leads {', '.join(lead)}." if lead else ".")
            )
        if generated:
            self.stdout.write(f"Password: {generated}")
        if role == Role.INTEGRATION:
            self.stdout.write(f"Make its API token with: python manage.py drf_create_token {user.email}")
