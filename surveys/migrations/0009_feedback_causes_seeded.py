from django.db import migrations

#: The root causes a feedback case is closed with; administrators may add more in the admin.
CAUSES = [
    ("waiting-time", 10, "Odotusaika", "Väntetid", "Waiting time"),
    ("communication", 20, "Viestintä", "Kommunikation", "Communication"),
    ("care-decision", 30, "Hoitopäätös", "Vårdbeslut", "Care decision"),
    ("practical-arrangements", 40, "Käytännön järjestelyt", "Praktiska arrangemang", "Practical arrangements"),
    ("other", 90, "Muu", "Annat", "Other"),
]


def seed(apps, schema_editor):
    FeedbackCause = apps.get_model("surveys", "FeedbackCause")
    for code, order, fi, sv, en in CAUSES:
        FeedbackCause.objects.update_or_create(
            code=code, defaults={"order": order, "name_fi": fi, "name_sv": sv, "name_en": en}
        )


def unseed(apps, schema_editor):
    apps.get_model("surveys", "FeedbackCause").objects.filter(code__in=[c[0] for c in CAUSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_feedback_cases")]

    operations = [migrations.RunPython(seed, unseed)]
