from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
    path("s/<str:token>/", views.answer, name="answer"),
    path("surveys/rounds/", views.nps_rounds, name="nps-rounds"),
]
