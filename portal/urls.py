from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.api import GoalIndicatorView

api_v1 = [
    path("", include("cooperation.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("portal.alerts.api_urls")),
    path("goals/<int:pk>/indicator/", GoalIndicatorView.as_view(), name="goal-indicator"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its init script as a file of its own (?script), under the same
    # Content-Security-Policy as every page; no ReDoc, which needs inline styles and web fonts.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="portal/swagger_ui.html"),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The patients' survey links live outside the language prefix: the link in the email
    # must stay exactly PORTAL_BASE_URL/s/<token>/.
    path("", include("surveys.urls")),
    path("", include("surveys.report_urls")),
    path("admin/", admin.site.urls),
    path("", include("portal.accounts.urls")),
    path("", include("portal.urls_pages")),
]

handler400 = "portal.errors.bad_request"
handler404 = "portal.errors.page_not_found"
handler403 = "portal.errors.permission_denied"
handler500 = "portal.errors.server_error"
