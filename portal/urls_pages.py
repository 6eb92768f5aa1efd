from django.urls import include, path

from cooperation import urls as cooperation_urls
from portal import customer_views, quality_views, questionnaire_views, views
from portal.annual_report import views as annual_report

# The customer page combines both apps, so the portal serves it; it keeps cooperation's URL names
# ("cooperation:customer-detail"), which every page links to. After cooperation's own patterns, so
# "customers/new/" stays the form for a new customer.
cooperation_pages = [
    *cooperation_urls.urlpatterns,
    path("customers/<str:business_id>/", customer_views.customer_detail, name="customer-detail"),
    path("customers/<str:business_id>/notes/", customer_views.customer_note_create, name="customer-note-create"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/quality/", quality_views.quality_units, name="quality-units"),
    path("reports/quality/practitioners/", quality_views.quality_practitioners, name="quality-practitioners"),
    path("reports/comments/", quality_views.quality_comments, name="quality-comments"),
    path("reports/binding-targets/<int:pk>/", quality_views.binding_target_report, name="binding-target-report"),
    path("", include((cooperation_pages, cooperation_urls.app_name))),
    path("feedback-cases/", include("portal.feedback_case_urls")),
    path("customers/<str:business_id>/report/<int:year>/", annual_report.annual_report, name="annual-report"),
    path(
        "customers/<str:business_id>/report/<int:year>/pdf/", annual_report.annual_report_pdf, name="annual-report-pdf"
    ),
    path("", include("portal.alerts.urls")),
    path(
        "customers/<str:business_id>/questionnaire/",
        questionnaire_views.customer_questionnaire,
        name="questionnaire-customer",
    ),
    path("reports/questionnaire/", questionnaire_views.portfolio_questionnaire, name="questionnaire-portfolio"),
]
urlpatterns += [path("", include("portal.service_channel_urls"))]
