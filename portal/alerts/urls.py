from django.urls import path

from portal.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:pk>/snooze/", views.snooze, name="snooze"),
]
