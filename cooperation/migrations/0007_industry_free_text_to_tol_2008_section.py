"""Industry was free text; from here on it is a section letter (A–U) of Statistics Finland's TOL
2008. Each stored text becomes the section it names or whose words it contains (Finnish, Swedish
or English, best effort); a text that fits no section becomes empty. The column narrows in the
next migration, in a transaction of its own (PostgreSQL refuses to alter a table with pending
trigger events from the updates). The mapping is cooperation.industries.industry_code_from_free_text."""

from django.db import migrations


def to_section(apps, schema_editor):
    from cooperation.industries import industry_code_from_free_text

    CorporateCustomer = apps.get_model("cooperation", "CorporateCustomer")
    texts = CorporateCustomer.objects.exclude(industry="").values_list("industry", flat=True).distinct()
    for text in list(texts):
        CorporateCustomer.objects.filter(industry=text).update(industry=industry_code_from_free_text(text))


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0006_economic_assumptions")]

    operations = [migrations.RunPython(to_section, migrations.RunPython.noop)]
