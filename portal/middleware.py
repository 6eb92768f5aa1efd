"""Response headers every page and API answer gets."""

from django.utils.cache import patch_cache_control


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
