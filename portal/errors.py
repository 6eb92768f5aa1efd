"""Error pages. API requests get the API's own shape (API.md "Conventions"): a path under /api/
that matches no route, or a request Django refuses before any view runs, gets JSON like every
other API error instead of an HTML page. Pages get 403.html, 404.html and 500.html, on the base
layout and in the user's language."""

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from rest_framework.exceptions import APIException, NotFound, ParseError, PermissionDenied

from surveys.emails import provider_name

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


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": PermissionDenied.default_detail}, status=403)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def server_error(request):
    """500: rendered from settings alone, without the request's context processors (the
    database or the session may be what failed), in the language the request had."""
    if _is_api(request):
        return JsonResponse({"detail": APIException.default_detail}, status=500)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"provider_name": provider_name()}))
