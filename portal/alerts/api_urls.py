from rest_framework.routers import SimpleRouter

from portal.alerts.api import AlertViewSet

router = SimpleRouter(trailing_slash=True)
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = router.urls
