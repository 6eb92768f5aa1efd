"""The portal's URLs plus ``/bench/minimal/``: a view that does nothing, passed through the same
middleware and the same gunicorn, so that the pages' times have a floor to compare with. Loaded
only by bench/_settings.py."""

from django.http import HttpResponse
from django.urls import include, path

from portal.urls import handler400, handler404  # noqa: F401 (the handlers live with the root urlconf)


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), path("", include("portal.urls"))]
