from django.urls import path

from surveys import report_views

urlpatterns = [
    path("reports/binding-targets/", report_views.binding_target_list, name="binding-target-list"),
    path("reports/binding-targets/<int:pk>/csv/", report_views.binding_target_report_csv, name="binding-target-csv"),
    path("reports/indicators/", report_views.indicators, name="indicators"),
]
