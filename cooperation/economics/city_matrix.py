"""The city personnel unit's 2009 work-health matrix (DOMAIN.md), shipped as a template to copy.

Plain data (no models), so that the migration that installs it and the tests read the same rows."""

from cooperation.economics.scoring import as_json_number

CITY_2009 = {
    "code": "city-2009",
    "name": "City work-health matrix",
    "year": 2009,
    # code, (en, fi, sv), unit, direction, thresholds for points 10 → 0, weight
    "indicators": [
        (
            "sick_leave_days",
            ("Sick-leave days", "Sairauspoissaolopäivät", "Sjukfrånvarodagar"),
            "days / person-year",
            "lower",
            [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30],
            "2.5",
        ),
        (
            "accidents",
            ("Accidents", "Tapaturmat", "Olycksfall"),
            "per 1,000 person-years",
            "lower",
            [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            "2",
        ),
        (
            "early_retirement_fees",
            ("Early-retirement fees", "Varhaiseläkemaksut", "Förtidspensionsavgifter"),
            "€ / person-year",
            "lower",
            [100, 175, 250, 325, 400, 475, 550, 625, 700, 775, 850],
            "1.5",
        ),
        (
            "competence_talks",
            (
                "Competence talks in development talks",
                "Osaamiskeskustelut kehityskeskusteluissa",
                "Kompetenssamtal i utvecklingssamtal",
            ),
            "%",
            "higher",
            [100, 90, 85, 80, 75, 70, 65, 60, 55, 50, 40],
            "0.5",
        ),
        (
            "development_talks_useful",
            ("Development talks useful", "Kehityskeskustelut hyödyllisiä", "Utvecklingssamtal nyttiga"),
            "%",
            "higher",
            [90, 82, 77, 70, 62, 55, 48, 40, 36, 33, 30],
            "0.5",
        ),
        (
            "fair_decisions",
            ("Fair decision-making", "Oikeudenmukainen päätöksenteko", "Rättvist beslutsfattande"),
            "1–5",
            "higher",
            ["4.25", "4.00", "3.75", "3.50", "3.25", "3.00", "2.75", "2.50", "2.25", "2.00", "1.75"],
            "1",
        ),
        (
            "control_working_time",
            ("Control over working time", "Työaikojen hallinta", "Kontroll över arbetstiden"),
            "1–5",
            "higher",
            ["4.25", "4.00", "3.75", "3.50", "3.25", "3.00", "2.75", "2.50", "2.25", "2.00", "1.75"],
            "1",
        ),
        (
            "control_own_work",
            ("Control over own work", "Oman työn hallinta", "Kontroll över det egna arbetet"),
            "1–5",
            "higher",
            ["4.25", "4.00", "3.75", "3.50", "3.25", "3.00", "2.75", "2.50", "2.25", "2.00", "1.75"],
            "1",
        ),
    ],
}


def install(matrix_model, indicator_model) -> None:
    """Create the template if it is not there (idempotent); used by the data migration."""
    if matrix_model.objects.filter(customer__isnull=True, template_code=CITY_2009["code"]).exists():
        return
    matrix = matrix_model.objects.create(
        template_code=CITY_2009["code"], name=CITY_2009["name"], year=CITY_2009["year"]
    )
    indicator_model.objects.bulk_create(
        indicator_model(
            matrix=matrix,
            position=position,
            code=code,
            name_en=en,
            name_fi=fi,
            name_sv=sv,
            unit=unit,
            direction=direction,
            thresholds=[as_json_number(t) for t in thresholds],
            weight=weight,
        )
        for position, (code, (en, fi, sv), unit, direction, thresholds, weight) in enumerate(CITY_2009["indicators"])
    )
