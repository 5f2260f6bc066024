"""English date formats the portal has always shown ("1 Dec 2026, 21:30"); other languages use
Django's own locale formats ("1. Dezember 2026 21:30", "2026年12月1日21:30")."""

DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j M Y"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
