from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from surveys.privacy import check_hash_key

        checks.register(check_hash_key, checks.Tags.security, deploy=True)
