from django.core.management.base import BaseCommand

from surveys import services


class Command(BaseCommand):
    help = "Send the due survey invitations now, from this process, without the broker."

    def handle(self, *args, **options):
        result = services.surveys_dispatch_due()
        self.stdout.write(
            f"sent {result.sent}, retry later {result.retried}, failed {result.failed}, "
            f"expired {result.expired}, skipped {result.skipped}, possible duplicates {result.possible_duplicates}"
        )
