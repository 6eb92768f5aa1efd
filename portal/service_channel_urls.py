from django.urls import path

from portal import service_channel_views as views

urlpatterns = [
    path("reports/response-delay/", views.response_delay, name="response-delay-report"),
    path("reports/nps-by-channel/", views.nps_by_channel, name="nps-by-channel"),
]
