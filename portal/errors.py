"""Error pages that answer API requests in the API's own shape (API.md "Conventions"): a path under
/api/ that matches no route, or a request Django refuses before any view runs, gets JSON like
every other API error instead of an HTML page."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework.exceptions import NotFound, ParseError

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": ParseError.default_detail}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": NotFound.default_detail}, status=404)
    return defaults.page_not_found(request, exception)
