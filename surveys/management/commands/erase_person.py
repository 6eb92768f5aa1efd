from django.core.management.base import BaseCommand, CommandError

from cooperation.models import CorporateCustomer
from surveys.privacy import PersonNotFound, person_erase


class Command(BaseCommand):
    help = (
        "Erase one employee's personal data (address, ids, comments, invitation addresses and "
        "links; an opt-out is kept only as a keyed hash) while every statistic stays the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("business_id", help="the customer's business ID, e.g. 0112038-9")
        parser.add_argument("external_id", nargs="?", default="", help="the employee's external id")
        parser.add_argument("--email", default="", help="the employee's email address, instead of the id")

    def handle(self, *args, business_id: str, external_id: str, email: str, **options):
        if bool(external_id) == bool(email):
            raise CommandError("Give the employee's EXTERNAL_ID or --email EMAIL (one of them).")
        customer = CorporateCustomer.objects.filter(business_id=business_id).first()
        if customer is None:
            raise CommandError(f"Unknown customer {business_id}: nothing was changed.")
        try:
            result = person_erase(customer=customer, external_id=external_id, email=email)
        except PersonNotFound as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Erased {result.employees} employee(s) of {customer.business_id}: "
            f"{result.invitations_anonymised} invitations anonymised, "
            f"{result.comments_removed} comments removed, "
            f"{result.visits_deleted} visits deleted, "
            f"{result.send_errors_removed} send errors removed, "
            f"{result.opt_outs_kept_as_hash} opt-outs kept only as a hash, "
            f"{result.sick_leaves_kept} sick leaves kept (dates only) for the health figures."
        )
