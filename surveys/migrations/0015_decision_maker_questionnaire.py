"""The decision-makers' yearly questionnaire, version 1 (published), built on the providers' own words."""

from django.db import migrations
from django.utils import timezone

AGREE = ("Strongly disagree", "Täysin eri mieltä", "Helt av annan åsikt")
AGREE_HIGH = ("Strongly agree", "Täysin samaa mieltä", "Helt av samma åsikt")

THEMES = [
    # code, en, fi, sv
    ("delivery", "Delivery", "Toteutus", "Genomförande"),
    ("partnership", "Partnership", "Kumppanuus", "Partnerskap"),
    ("steering", "Steering and goals", "Ohjaus ja tavoitteet", "Styrning och mål"),
    ("recommendation", "Recommendation", "Suositeltavuus", "Rekommendation"),
    ("open", "Open feedback", "Avoin palaute", "Öppen respons"),
]

QUESTIONS = [
    # code, theme, kind, en, fi, sv
    (
        "agreed-done",
        "delivery",
        "scale",
        "The things we have agreed on get done.",
        "Sovitut asiat tehdään.",
        "Det vi har kommit överens om blir gjort.",
    ),
    (
        "understands-goals",
        "delivery",
        "scale",
        "The team understands our goals.",
        "Tiimi ymmärtää tavoitteemme.",
        "Teamet förstår våra mål.",
    ),
    (
        "dares-to-challenge",
        "partnership",
        "scale",
        "The team dares to challenge us, with good reasons.",
        "Tiimi uskaltaa haastaa meitä perustellusti.",
        "Teamet vågar utmana oss med goda skäl.",
    ),
    (
        "open-communication",
        "partnership",
        "scale",
        "Communication is open.",
        "Viestintä on avointa.",
        "Kommunikationen är öppen.",
    ),
    (
        "steering-group-useful",
        "steering",
        "scale",
        "The steering group is useful.",
        "Ohjausryhmä on hyödyllinen.",
        "Styrgruppen är till nytta.",
    ),
    (
        "supports-responsibility",
        "steering",
        "scale",
        "The cooperation supports our responsibility goals.",
        "Yhteistyö tukee vastuullisuustavoitteitamme.",
        "Samarbetet stöder våra ansvarsmål.",
    ),
    (
        "nps",
        "recommendation",
        "nps",
        "How likely is it that you would recommend us to a colleague?",
        "Kuinka todennäköisesti suosittelisit meitä kollegallesi?",
        "Hur sannolikt är det att du skulle rekommendera oss till en kollega?",
    ),
    (
        "do-differently",
        "open",
        "text",
        "What should we do differently?",
        "Mitä meidän pitäisi tehdä toisin?",
        "Vad borde vi göra annorlunda?",
    ),
]


def create(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Version = apps.get_model("surveys", "QuestionnaireVersion")
    Theme = apps.get_model("surveys", "QuestionnaireTheme")
    Question = apps.get_model("surveys", "Question")
    questionnaire = Questionnaire.objects.create(
        code="decision-makers",
        name="Customer satisfaction questionnaire for decision-makers",
        name_fi="Päättäjien asiakastyytyväisyyskysely",
        name_sv="Kundnöjdhetsenkät för beslutsfattare",
    )
    version = Version.objects.create(questionnaire=questionnaire, number=1, published_at=timezone.now())
    themes = {}
    for position, (code, en, fi, sv) in enumerate(THEMES):
        themes[code] = Theme.objects.create(
            version=version, code=code, name=en, name_fi=fi, name_sv=sv, position=position
        )
    for position, (code, theme, kind, en, fi, sv) in enumerate(QUESTIONS):
        labels = {}
        if kind == "scale":
            labels = dict(
                low_label=AGREE[0], low_label_fi=AGREE[1], low_label_sv=AGREE[2],
                high_label=AGREE_HIGH[0], high_label_fi=AGREE_HIGH[1], high_label_sv=AGREE_HIGH[2],
            )  # fmt: skip
        elif kind == "nps":
            labels = dict(
                low_label="Not at all likely", low_label_fi="Erittäin epätodennäköisesti",
                low_label_sv="Inte alls sannolikt", high_label="Extremely likely",
                high_label_fi="Erittäin todennäköisesti", high_label_sv="Mycket sannolikt",
            )  # fmt: skip
        Question.objects.create(
            version=version,
            theme=themes[theme],
            code=code,
            position=position,
            kind=kind,
            required=kind != "text",
            text=en,
            text_fi=fi,
            text_sv=sv,
            **labels,
        )


def remove(apps, schema_editor):
    apps.get_model("surveys", "Questionnaire").objects.filter(code="decision-makers").delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0014_questionnaires")]

    operations = [migrations.RunPython(create, remove)]
