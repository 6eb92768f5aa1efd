import cooperation.industries
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0007_industry_free_text_to_tol_2008_section")]

    operations = [
        migrations.AlterField(
            model_name="corporatecustomer",
            name="industry",
            field=models.CharField(
                blank=True,
                choices=cooperation.industries.industry_choices,
                help_text="The section of Statistics Finland's industrial classification TOL 2008.",
                max_length=1,
                verbose_name="industry",
            ),
        ),
    ]
