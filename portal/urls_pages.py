from django.urls import include, path

from portal import quality_views, views
from portal.annual_report import views as annual_report

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/quality/", quality_views.quality_units, name="quality-units"),
    path("reports/quality/practitioners/", quality_views.quality_practitioners, name="quality-practitioners"),
    path("reports/comments/", quality_views.quality_comments, name="quality-comments"),
    path("reports/binding-targets/<int:pk>/", quality_views.binding_target_report, name="binding-target-report"),
    path("", include("cooperation.urls")),
    path("feedback-cases/", include("portal.feedback_case_urls")),
    path("customers/<str:business_id>/report/<int:year>/", annual_report.annual_report, name="annual-report"),
    path(
        "customers/<str:business_id>/report/<int:year>/pdf/", annual_report.annual_report_pdf, name="annual-report-pdf"
    ),
]
