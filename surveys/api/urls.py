from rest_framework.routers import SimpleRouter

from surveys.api import views

router = SimpleRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("practitioners", views.PractitionerViewSet, basename="practitioner")
router.register("services", views.ServiceViewSet, basename="service")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("nps-rounds", views.NpsRoundViewSet, basename="nps-round")

urlpatterns = router.urls
