"""Migration surveys/0007 adds a check that a binding target's year lies in 1900–2999: a database
holding a year outside that span (a typing error) is migrated, with each such year moved into
the span and reported, instead of the migration failing."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from surveys.models import BindingTarget
from tests.surveys.factories import UnitFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("surveys.migrations.0007_binding_target_year_within_supported_span")


def test_years_outside_the_span_are_moved_into_it_and_reported_so_the_constraint_can_be_added(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("drops and adds the check constraint with ALTER TABLE (PostgreSQL)")
    table = BindingTarget._meta.db_table
    with connection.cursor() as cursor:
        # The database as it was before 0007: no check yet.
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT binding_target_year_supported")
    unit = UnitFactory(code="HKI-CARE-1")
    organisation = {"scope": "organisation", "respondent_group": "patient", "target": 40}
    kept = BindingTarget.objects.create(year=2025, **organisation)
    taken_2999 = BindingTarget.objects.create(year=2999, **organisation)
    too_late = BindingTarget.objects.create(year=20250, **organisation, explanation="Typed one zero too many.")
    too_early = BindingTarget.objects.create(year=202, **organisation)
    unit_too_late = BindingTarget.objects.create(
        year=3025, scope="unit", unit=unit, respondent_group="patient", target=70
    )

    with connection.schema_editor(atomic=False) as editor:
        migration.clamp_years_outside_the_span(apps, editor)

    years = dict(BindingTarget.objects.values_list("pk", "year"))
    assert years[kept.pk] == 2025 and years[taken_2999.pk] == 2999
    # The nearest year the same subject has no target for (the unique constraints hold).
    assert years[too_late.pk] == 2998
    assert years[too_early.pk] == 1900
    assert years[unit_too_late.pk] == 2999
    assert BindingTarget.objects.get(pk=too_late.pk).explanation == "Typed one zero too many."
    reported = capsys.readouterr().out
    assert f"Binding target {too_late.pk} (organisation, patient): year 20250 is outside 1900-2999; moved to 2998" in (
        reported
    )
    assert "year 202 is outside" in reported and "year 3025 is outside" in reported
    assert f"Binding target {kept.pk} " not in reported
    with connection.cursor() as cursor:
        # What 0007 does next now succeeds.
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT binding_target_year_supported CHECK (year >= 1900 AND year <= 2999)"
        )


def test_a_database_without_such_years_is_left_as_it_was(capsys):
    target = BindingTarget.objects.create(year=2026, scope="organisation", respondent_group="patient", target=40)
    with connection.schema_editor(atomic=False) as editor:
        migration.clamp_years_outside_the_span(apps, editor)
    assert BindingTarget.objects.get().year == target.year
    assert "outside" not in capsys.readouterr().out
