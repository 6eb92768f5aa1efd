from django.urls import path
from rest_framework.routers import DefaultRouter

from cooperation.api import economics, views
from cooperation.api.health import CustomerHealthSeriesView, CustomerHealthView

router = DefaultRouter(trailing_slash=True)
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("employees", views.EmployeeViewSet, basename="employee")
router.register("sick-leaves", views.SickLeaveViewSet, basename="sick-leave")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("action-items", views.ActionItemViewSet, basename="action-item")

urlpatterns = [
    # --- Indicators (health percentage) ---
    path("customers/<str:business_id>/health/", CustomerHealthView.as_view(), name="customer-health"),
    path(
        "customers/<str:business_id>/health/series/", CustomerHealthSeriesView.as_view(), name="customer-health-series"
    ),
    # --- Work-health economics ---
    path("matrix-templates/", economics.MatrixTemplateListView.as_view(), name="matrix-template-list"),
    path("customers/<str:business_id>/matrices/", economics.CustomerMatrixListView.as_view(), name="customer-matrices"),
    path("matrices/<int:pk>/", economics.MatrixDetailView.as_view(), name="matrix-detail"),
    path("matrices/<int:pk>/results/", economics.MatrixResultsView.as_view(), name="matrix-results"),
    path("economics/early-retirement-fee/", economics.EarlyRetirementFeeView.as_view(), name="early-retirement-fee"),
    *router.urls,
]
