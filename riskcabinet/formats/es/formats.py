"""Spanish as read in Los Angeles: a 12-hour clock, and no all-number dates, whose day/month
order a reader used to US dates takes the other way round ("03/04/2026" read as March 4).
Django's Spanish formats give what is not set here (input formats, separators)."""

DATE_FORMAT = r"j \d\e F \d\e Y"  # 3 de abril de 2026
TIME_FORMAT = "g:i a"  # 3:15 p.m.
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"  # 3 de abril de 2026, 3:15 p.m.
SHORT_DATE_FORMAT = "j b Y"  # 3 abr 2026
SHORT_DATETIME_FORMAT = "j b Y, g:i a"  # 3 abr 2026, 3:15 p.m.
