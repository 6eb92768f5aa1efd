from django.urls import path

from portal import feedback_case_views as views

urlpatterns = [
    path("", views.queue, name="feedback-case-queue"),
    path("figures/", views.report, name="feedback-case-report"),
    path("<int:pk>/", views.case_page, name="feedback-case-page"),
]
