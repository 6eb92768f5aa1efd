"""Industries: the sections A–U of Statistics Finland's Standard Industrial Classification
TOL 2008 (the national version of NACE Rev. 2), with their official Finnish, Swedish and English
names. The names are data, kept here in all three languages, not messages to translate."""

from django.utils.functional import lazy
from django.utils.translation import get_language

#: Section letter → (Finnish, Swedish, English) name, as Statistics Finland publishes them.
TOL_2008_SECTIONS: dict[str, tuple[str, str, str]] = {
    "A": ("Maatalous, metsätalous ja kalatalous", "Jordbruk, skogsbruk och fiske", "Agriculture, forestry and fishing"),
    "B": ("Kaivostoiminta ja louhinta", "Utvinning av mineral", "Mining and quarrying"),
    "C": ("Teollisuus", "Tillverkning", "Manufacturing"),
    "D": (
        "Sähkö-, kaasu- ja lämpöhuolto, jäähdytysliiketoiminta",
        "Försörjning av el, gas, värme och kyla",
        "Electricity, gas, steam and air conditioning supply",
    ),
    "E": (
        "Vesihuolto, viemäri- ja jätevesihuolto, jätehuolto ja muu ympäristön puhtaanapito",
        "Vattenförsörjning; avloppsrening, avfallshantering och sanering",
        "Water supply; sewerage, waste management and remediation activities",
    ),
    "F": ("Rakentaminen", "Byggverksamhet", "Construction"),
    "G": (
        "Tukku- ja vähittäiskauppa; moottoriajoneuvojen ja moottoripyörien korjaus",
        "Parti- och detaljhandel; reparation av motorfordon och motorcyklar",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    "H": ("Kuljetus ja varastointi", "Transport och magasinering", "Transportation and storage"),
    "I": (
        "Majoitus- ja ravitsemistoiminta",
        "Hotell- och restaurangverksamhet",
        "Accommodation and food service activities",
    ),
    "J": ("Informaatio ja viestintä", "Informations- och kommunikationsverksamhet", "Information and communication"),
    "K": ("Rahoitus- ja vakuutustoiminta", "Finans- och försäkringsverksamhet", "Financial and insurance activities"),
    "L": ("Kiinteistöalan toiminta", "Fastighetsverksamhet", "Real estate activities"),
    "M": (
        "Ammatillinen, tieteellinen ja tekninen toiminta",
        "Verksamhet inom juridik, ekonomi, vetenskap och teknik",
        "Professional, scientific and technical activities",
    ),
    "N": (
        "Hallinto- ja tukipalvelutoiminta",
        "Uthyrning, fastighetsservice, resetjänster och andra stödtjänster",
        "Administrative and support service activities",
    ),
    "O": (
        "Julkinen hallinto ja maanpuolustus; pakollinen sosiaalivakuutus",
        "Offentlig förvaltning och försvar; obligatorisk socialförsäkring",
        "Public administration and defence; compulsory social security",
    ),
    "P": ("Koulutus", "Utbildning", "Education"),
    "Q": (
        "Terveys- ja sosiaalipalvelut",
        "Vård och omsorg; sociala tjänster",
        "Human health and social work activities",
    ),
    "R": ("Taiteet, viihde ja virkistys", "Kultur, nöje och fritid", "Arts, entertainment and recreation"),
    "S": ("Muu palvelutoiminta", "Annan serviceverksamhet", "Other service activities"),
    "T": (
        "Kotitalouksien toiminta työnantajina; kotitalouksien eriyttämätön toiminta tavaroiden ja palvelujen "
        "tuottamiseksi omaan käyttöön",
        "Förvärvsarbete i hushåll; hushållens produktion av diverse varor och tjänster för eget bruk",
        "Activities of households as employers; undifferentiated goods- and services-producing activities of "
        "households for own use",
    ),
    "U": (
        "Kansainvälisten organisaatioiden ja toimielinten toiminta",
        "Verksamhet vid internationella organisationer, utländska ambassader o.d.",
        "Activities of extraterritorial organisations and bodies",
    ),
}
_LANGUAGE_INDEX = {"fi": 0, "sv": 1, "en": 2}


def industry_name(code: str, language: str | None = None) -> str:
    """The section's name in ``language`` (by default the active one; English for any other);
    empty for no or an unknown code."""
    names = TOL_2008_SECTIONS.get(code or "")
    if names is None:
        return ""
    return names[_LANGUAGE_INDEX.get((language or get_language() or "en")[:2], 2)]


_lazy_name = lazy(industry_name, str)


def industry_choices() -> list[tuple[str, str]]:
    """``(code, "C – name")`` per section, the name in the language active when shown."""
    return [(code, _lazy_label(code)) for code in TOL_2008_SECTIONS]


def _label(code: str) -> str:
    return f"{code} – {industry_name(code)}"


_lazy_label = lazy(_label, str)

_BY_NAME = {name.casefold(): code for code, names in TOL_2008_SECTIONS.items() for name in names}


def industry_code(value: str) -> str | None:
    """The section letter ``value`` names: the letter itself (any case) or a section's official
    name in Finnish, Swedish or English (any case). ``""`` for nothing given, None if unknown."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    if value.upper() in TOL_2008_SECTIONS:
        return value.upper()
    return _BY_NAME.get(value.casefold())


#: Free-text industries as the portal used to store them, mapped to their section by words they
#: contain (Finnish, Swedish or English): used once, by the migration that made industry a code.
FREE_TEXT_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("Q", ("health", "social", "care", "hoiva", "terveys", "sosiaali", "vård", "omsorg", "hospital", "sairaala")),
    ("F", ("construct", "rakenn", "rakenta", "bygg")),
    ("H", ("transport", "logist", "kuljetus", "varastointi", "shipping", "freight", "magasin")),
    ("J", ("software", "ohjelmisto", "information", "viestintä", "telecom", "media", "publishing")),
    ("G", ("retail", "wholesale", "trade", "kauppa", "handel", "shop")),
    ("I", ("tourism", "matkailu", "turism", "hotel", "restaurant", "ravintola", "majoitus", "catering")),
    ("K", ("bank", "insurance", "finance", "financial", "pankki", "vakuutus", "rahoitus", "försäkring")),
    ("L", ("real estate", "kiinteistöala", "fastighetsverksamhet")),
    ("N", ("property maintenance", "kiinteistöhuolto", "fastighetsservice", "cleaning", "siivous", "staffing")),
    (
        "M",
        (
            "accounting",
            "audit",
            "tilintarkastus",
            "kirjanpito",
            "architect",
            "arkkitehti",
            "consult",
            "konsult",
            "legal",
            "juridik",
        ),
    ),
    ("P", ("education", "school", "koulu", "koulutus", "utbildning", "university", "yliopisto")),
    ("O", ("public administration", "julkinen hallinto", "municipal", "kunta", "kaupunki", "city of")),
    ("A", ("agricultur", "forestry", "fishing", "maatalous", "metsätalous", "jordbruk", "skogsbruk")),
    ("B", ("mining", "quarry", "kaivos", "louhinta", "gruv")),
    ("D", ("energy", "electricity", "energia", "sähkö", "energi")),
    ("E", ("water", "waste", "vesihuolto", "jätehuolto", "avfall", "recycling", "kierrätys")),
    ("R", ("arts", "entertainment", "sport", "taide", "viihde", "kultur")),
    (
        "C",
        (
            "manufactur",
            "industry",
            "teollisuus",
            "tillverkning",
            "factory",
            "tehdas",
            "shipbuilding",
            "telakka",
            "varv",
            "food",
            "elintarvike",
            "konepaja",
            "engineering",
            "industri",
        ),
    ),
]


def industry_code_from_free_text(value: str) -> str:
    """Best effort: a section letter for a free-text industry, or ``""`` if nothing fits."""
    exact = industry_code(value)
    if exact is not None:
        return exact
    text = value.casefold()
    for code, words in FREE_TEXT_KEYWORDS:
        if any(word in text for word in words):
            return code
    return ""
