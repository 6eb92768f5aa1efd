from django.db import migrations


def install_city_matrix(apps, schema_editor):
    from cooperation.economics import city_matrix

    city_matrix.install(
        apps.get_model("cooperation", "WorkHealthMatrix"), apps.get_model("cooperation", "MatrixIndicator")
    )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0004_work_health_matrices")]

    operations = [migrations.RunPython(install_city_matrix, migrations.RunPython.noop)]
