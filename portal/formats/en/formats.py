# English as a Finnish provider writes it: day before month and 24-hour times (6 December 2026,
# 14:30), never the American order or a.m./p.m. What is not here comes from Django's "en".
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
