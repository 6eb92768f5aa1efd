from rest_framework.routers import SimpleRouter

from surveys.api import views

router = SimpleRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("practitioners", views.PractitionerViewSet, basename="practitioner")
router.register("services", views.ServiceViewSet, basename="service")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("nps-rounds", views.NpsRoundViewSet, basename="nps-round")

urlpatterns = router.urls

# --- Statistics ---
from django.urls import path  # noqa: E402

from surveys.api import feedback_cases, questionnaires, service_contacts, statistics  # noqa: E402

router.register("binding-targets", statistics.BindingTargetViewSet, basename="binding-target")
router.register("feedback-cases", feedback_cases.FeedbackCaseViewSet, basename="feedback-case")
router.register("questionnaire-versions", questionnaires.QuestionnaireVersionViewSet, basename="questionnaire-version")
urlpatterns = [
    path("nps/", statistics.NpsView.as_view(), name="nps"),
    path("coping/", statistics.CopingView.as_view(), name="coping"),
    path("comments/", statistics.CommentListView.as_view(), name="comment-list"),
    path("contacts-log/", service_contacts.ServiceContactLogView.as_view(), name="contacts-log"),
    path("response-delay/", service_contacts.ResponseDelayView.as_view(), name="response-delay"),
    path("questionnaire-results/", questionnaires.QuestionnaireResultsView.as_view(), name="questionnaire-results"),
    *router.urls,
]
