"""Middleware every page and API answer passes: input refused at the door, response headers."""

import json

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework.views import APIView

NUL = "\x00"
API_PREFIX = "/api/"
#: The API's language when the client names none it supports (API.md "Conventions").
API_DEFAULT_LANGUAGE = "en"
_MESSAGE = ProhibitNullCharactersValidator.message
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_errors(value) -> list | dict | None:
    """API.md's 400 shape for the parts of ``value`` that hold a NUL character, or None:
    ``["message"]`` for text, ``{"key": …}`` for an object, ``{"<index>": …}`` for a list."""
    if isinstance(value, str):
        return [_MESSAGE] if NUL in value else None
    if isinstance(value, dict):
        errors = {key: [_MESSAGE] if NUL in key else nul_errors(item) for key, item in value.items()}
        return {key: error for key, error in errors.items() if error} or None
    if isinstance(value, list):
        return {str(i): error for i, item in enumerate(value) if (error := nul_errors(item))} or None
    return None


def _parameter_errors(params) -> dict | None:
    """``{"name": ["…"]}`` for the query or form parameters holding a NUL character."""
    names = [name for name, values in params.lists() if NUL in name or any(NUL in v for v in values)]
    return {name: [_MESSAGE] for name in names} or None


class RefuseNulCharacters:
    """PostgreSQL's text cannot hold a NUL character (0x00): a lookup or filter with one fails
    in the database, a 500, where SQLite just finds nothing. No stored object has one, so:

    - a path naming one (``/api/v1/units/%00/``) answers 404, as any unknown object does;
    - a query parameter or body field with one answers 400 naming it, in API.md's shape
      (``{"field": ["…"]}``, a list body ``{"errors": {"<index>": {…}}}``); pages answer 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(NUL in str(value) for value in (*view_args, *view_kwargs.values())):
            raise Http404  # JSON for the API: portal.errors.page_not_found
        errors = _parameter_errors(request.GET) or self._body_errors(request)
        if errors is None:
            return None
        if issubclass(getattr(view_func, "cls", object), APIView):
            return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
        raise BadRequest(_MESSAGE)

    @staticmethod
    def _body_errors(request) -> dict | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.content_type in _FORM_TYPES:
            return _parameter_errors(request.POST)
        if request.content_type != "application/json":
            return None
        try:
            body = json.loads(request.body)
        except ValueError:
            return None  # the view's parser answers malformed JSON
        errors = nul_errors(body)
        if errors is None or isinstance(body, dict):
            return errors
        return {"errors": errors} if isinstance(body, list) else {"non_field_errors": errors}


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in user and on every API
    answer: they show customers' data, and a shared computer's browser cache or a proxy must not
    keep it. Added to whatever the view set (a view asking for ``public`` loses it here).

    Static files never get here (WhiteNoise answers them earlier), nor do anonymous pages other
    than the API; the patients' survey pages set ``never_cache`` themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ApiLanguage:
    """The API speaks English unless the client's ``Accept-Language`` asks for Finnish or
    Swedish; pages keep LocaleMiddleware's choice (the language cookie, the browser, Finnish).
    A program calling the API gets the same messages whatever language a person last chose in
    the browser. Runs right after LocaleMiddleware, which then answers ``Content-Language``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            language = api_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def api_language(accept_language: str) -> str:
    """The first language of ``Accept-Language`` (by its q-values) the portal speaks, else English."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _q in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        code = code.lower().split("-")[0]
        if code in supported:
            return code
    return API_DEFAULT_LANGUAGE
