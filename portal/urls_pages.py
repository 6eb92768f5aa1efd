from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", include("cooperation.urls")),
    path("feedback-cases/", include("portal.feedback_case_urls")),
]
urlpatterns += [path("", include("portal.service_channel_urls"))]
