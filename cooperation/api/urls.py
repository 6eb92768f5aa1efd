from django.urls import path
from rest_framework.routers import DefaultRouter

from cooperation.api import views
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
    *router.urls,
]
