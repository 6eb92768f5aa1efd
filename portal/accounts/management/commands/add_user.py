from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperation.access import Role
from portal.accounts.services import user_upsert
from portal.audit.context import audit_context


class Command(BaseCommand):
    help = "Create or update a user with a role (re-running it updates the user)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--customer", metavar="BUSINESS_ID", help="the company of a decision-maker or supervisor")
        parser.add_argument("--password", help="without it a new user gets a generated password, printed once")

    def handle(self, *args, email, role, customer, password, **options):
        try:
            # The audit log records the user's creation and any change of role or permissions,
            # with no actor (operations' shell) but the command's name.
            with audit_context(via="add_user"):
                user, created, generated = user_upsert(
                    email=email, role=role, customer_business_id=customer, password=password
                )
        except ValidationError as exc:
            messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
            raise CommandError(messages) from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} {user.email} ({user.role}).")
        if generated:
            self.stdout.write(f"Password: {generated}")
        if role == Role.INTEGRATION:
            self.stdout.write(f"Make its API token with: python manage.py drf_create_token {user.email}")
