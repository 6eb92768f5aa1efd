"""The public survey pages (no login) and the account managers' NPS rounds page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from cooperation.access import customer_scope, may_write_customers
from cooperation.models import CorporateCustomer
from surveys import selectors, services
from surveys.emails import invitation_id_from_unsubscribe, provider_name
from surveys.forms import AnswerForm, NpsRoundForm
from surveys.models import InvitationStatus, RespondentGroup, SurveyInvitation

PAGE_LANGUAGES = ("fi", "sv", "en")


class AnswerPageThrottle(SimpleRateThrottle):
    """Per client address, on the shared cache (Redis when REDIS_URL is set): guessing tokens
    or hammering the page from one address soon gets 429."""

    scope = "survey_answer"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _throttled(request) -> bool:
    return not AnswerPageThrottle().allow_request(request, None)


def _language(request, default: str) -> str:
    asked = request.GET.get("lang")
    if asked in PAGE_LANGUAGES:
        return asked
    return default if default in PAGE_LANGUAGES else "fi"


def _public(request, template: str, context: dict, *, language: str, status: int = 200):
    with translation.override(language):
        context = {
            "provider": provider_name(language),
            **context,
            "page_language": language,
            "page_languages": PAGE_LANGUAGES,
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    return response


def _not_found(request):
    return _public(request, "surveys/not_found.html", {}, language=_language(request, "fi"), status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    if _throttled(request):
        return _public(request, "surveys/throttled.html", {}, language=_language(request, "fi"), status=429)
    invitation = selectors.invitation_for_token(services.token_hash(token))
    if invitation is None:
        closed = selectors.questionnaire_invitation_closed(services.token_hash(token))
        if closed is not None:
            language = _language(request, closed.language)
            return _public(request, "surveys/questionnaire_closed.html", {}, language=language, status=410)
        return _not_found(request)
    language = _language(request, invitation.language)
    if invitation.nps_round_id and invitation.nps_round.questionnaire_version_id:
        return _questionnaire(request, invitation, language)
    context = {
        "invitation": invitation,
        "unit": invitation.unit.localized_name(language) if invitation.unit_id else "",
        "visit_date": invitation.visit.ended_at if invitation.visit_id else None,
        "is_patient": invitation.respondent_group == RespondentGroup.PATIENT,
    }
    if invitation.status == InvitationStatus.ANSWERED:
        return _public(request, "surveys/thanks.html", context, language=language)
    with translation.override(language):
        form = AnswerForm(request.POST or None, with_coping=context["is_patient"])
        if request.method == "POST" and form.is_valid():
            services.response_record(
                invitation=invitation,
                score=form.cleaned_data["score"],
                coping=form.cleaned_data.get("coping", ""),
                comment=form.cleaned_data["comment"].strip(),
                language=language,
                contact=form.cleaned_data.get("contact", ""),
            )
            # A second submit of the same link lands here too and changes nothing.
            return redirect(f"{request.path}?lang={language}")
        return _public(request, "surveys/answer.html", {**context, "form": form}, language=language)


def _questionnaire(request, invitation, language: str):
    """A questionnaire round's page: every question of the round's version, labelled; all the
    answers saved together, or none (a message at each question that needs fixing)."""
    version = invitation.nps_round.questionnaire_version
    context = {"invitation": invitation, "questionnaire": version.questionnaire.localized_name(language)}
    if invitation.status == InvitationStatus.ANSWERED:
        return _public(request, "surveys/thanks.html", context, language=language)
    errors, values = {}, {}
    with translation.override(language):
        if request.method == "POST":
            values = {key: request.POST.get(key, "") for key in request.POST}
            try:
                saved = services.questionnaire_answers_record(invitation=invitation, data=values, language=language)
            except services.QuestionnaireAnswerError as error:
                errors = error.errors
            else:
                if (
                    saved is None
                    and not SurveyInvitation.objects.filter(pk=invitation.pk, status=InvitationStatus.ANSWERED).exists()
                ):
                    return _public(request, "surveys/questionnaire_closed.html", {}, language=language, status=410)
                return redirect(f"{request.path}?lang={language}")
        context["questions"] = selectors.questionnaire_page_questions(
            version, language=language, values=values, errors=errors
        )
        context["has_errors"] = bool(errors)
    return _public(request, "surveys/questionnaire.html", context, language=language, status=400 if errors else 200)


# The signed link is the permission, and RFC 8058's one-click POST comes from mail providers
# without a form token: CSRF protection adds nothing here, and the link is checked either way.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, signed: str):
    """GET asks (a mail scanner following the link unsubscribes no one); POST opts out, from
    the page's button or as the one-click POST (`List-Unsubscribe=One-Click`) that the
    message's List-Unsubscribe-Post header announces."""
    if _throttled(request):
        return _public(request, "surveys/throttled.html", {}, language=_language(request, "fi"), status=429)
    invitation_id = invitation_id_from_unsubscribe(signed)
    invitation = SurveyInvitation.objects.filter(pk=invitation_id).only("email", "language").first()
    if invitation is None or not invitation.email:
        return _not_found(request)
    language = _language(request, invitation.language)
    context = {}
    if request.method == "GET":
        return _public(request, "surveys/unsubscribe_confirm.html", context, language=language)
    services.opt_out_record(email=invitation.email)
    return _public(request, "surveys/unsubscribed.html", context, language=language)


@login_required
@require_http_methods(["GET", "POST"])
def nps_rounds(request):
    """Account managers (their portfolio) and admins start NPS rounds for supervisors or
    decision-makers and follow what was sent."""
    scope = customer_scope(request.user)
    if scope is None or not may_write_customers(request.user):
        raise PermissionDenied
    customers = CorporateCustomer.objects.filter(scope).order_by("name")
    form = NpsRoundForm(request.POST or None, customers=customers)
    if request.method == "POST" and form.is_valid():
        services.nps_round_start(
            started_by=request.user,
            respondent_group=form.cleaned_data["respondent_group"],
            customers=list(form.cleaned_data["customers"]),
            questionnaire_version=form.cleaned_data.get("questionnaire_version"),
            anonymous=form.cleaned_data.get("anonymous", False),
        )
        messages.success(request, _("The round was started: the surveys go out within a few minutes."))
        return redirect("surveys:nps-rounds")
    rounds = list(selectors.nps_round_list(customer_filter=customer_scope(request.user, prefix="customers__"))[:50])
    summaries = selectors.nps_round_summaries(rounds, user=request.user)
    for nps_round in rounds:
        counts = summaries[nps_round.pk]["counts"]
        nps_round.counts = {
            **counts,
            "waiting": counts[InvitationStatus.SCHEDULED] + counts[InvitationStatus.SENDING],
            "not_sent": counts[InvitationStatus.SKIPPED] + counts[InvitationStatus.FAILED],
        }
        reached = counts[InvitationStatus.SENT] + counts[InvitationStatus.ANSWERED] + counts[InvitationStatus.EXPIRED]
        nps_round.counts["reached"] = reached
        nps_round.counts["rate"] = round(100 * counts[InvitationStatus.ANSWERED] / reached) if reached else None
        nps_round.visible_customers = summaries[nps_round.pk]["customers"]
    return render(request, "surveys/nps_rounds.html", {"form": form, "rounds": rounds})
