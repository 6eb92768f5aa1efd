from django.urls import include, path

from portal import quality_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/quality/", quality_views.quality_units, name="quality-units"),
    path("reports/quality/practitioners/", quality_views.quality_practitioners, name="quality-practitioners"),
    path("reports/comments/", quality_views.quality_comments, name="quality-comments"),
    path("reports/binding-targets/<int:pk>/", quality_views.binding_target_report, name="binding-target-report"),
    path("", include("cooperation.urls")),
]
