"""Every API list pages with ``?limit=&offset=``, and says so when either is out of range."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

#: The longest page: what the largest list bodies may carry (MAX_LIST_ITEMS), and a page a
#: request can read and serialise in well under a second.
MAX_LIMIT = 1000


class LimitOffsetWithinRange(LimitOffsetPagination):
    """DRF's LimitOffsetPagination answers a page whatever the parameters say, and passes a huge
    limit to the database as it is (an overflow there: a 500). Here ``limit`` is 1 to MAX_LIMIT and
    ``offset`` 0 or more, or the answer is 400 ``{"limit": ["…"]}``; left out or empty, the
    defaults hold (PAGE_SIZE items from the start)."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        limit = self._parameter(request, self.limit_query_param, min_value=1, max_value=self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        offset = self._parameter(request, self.offset_query_param, min_value=0)
        return offset or 0

    @staticmethod
    def _parameter(request, name: str, **bounds) -> int | None:
        raw = request.query_params.get(name, "")
        if raw == "":
            return None
        try:
            return serializers.IntegerField(**bounds).run_validation(raw)
        except ValidationError as e:
            raise ValidationError({name: e.detail}) from e

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_limit}
                parameter["description"] = _("Number of results to return per page (1 to %(max)d).") % {
                    "max": self.max_limit
                }
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] |= {"minimum": 0}
        return parameters
