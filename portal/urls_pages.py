from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("cooperation.urls")),
    path("", include("portal.alerts.urls")),
]
