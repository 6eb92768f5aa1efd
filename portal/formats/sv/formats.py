# Swedish as written in Finland (Institutet för de inhemska språken): 6.12.2026, kl. 14.30.
# Django's own "sv" is Sweden's (2026-12-06, 14:30); what is not here comes from it.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j F Y \k\l. H.i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
