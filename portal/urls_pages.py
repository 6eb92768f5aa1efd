from django.urls import include, path

from portal import views
from portal.annual_report import views as annual_report

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", include("cooperation.urls")),
    path("feedback-cases/", include("portal.feedback_case_urls")),
    path("customers/<str:business_id>/report/<int:year>/", annual_report.annual_report, name="annual-report"),
    path(
        "customers/<str:business_id>/report/<int:year>/pdf/", annual_report.annual_report_pdf, name="annual-report-pdf"
    ),
]
