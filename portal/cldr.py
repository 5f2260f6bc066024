"""The CLDR data (through Babel) the portal writes with: a language's locale, and the time zones
as that language names them."""

from __future__ import annotations

import functools

from babel.core import Locale, UnknownLocaleError, get_global
from babel.dates import get_timezone_location
from django.conf import settings
from django.utils.translation import gettext, override, to_locale

from portal.models import time_zone_choices


@functools.lru_cache(maxsize=64)
def babel_locale(language: str | None) -> Locale:
    """The CLDR locale of a Django language code (English when CLDR has none)."""
    try:
        return Locale.parse(to_locale(language or settings.LANGUAGE_CODE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@functools.cache
def time_zone_options(language: str) -> tuple:
    """The time zones for a chooser, named in ``language``: grouped choices, each zone of a
    country by its country and city ("Japan, Tokyo"; in Japanese "日本, 東京"), sorted; the
    zones of no country (UTC, Etc/GMT+5) after them. Old alias names (US/Eastern, Japan) are
    left out: each names a zone already listed."""
    locale = babel_locale(language)
    territories, aliases = get_global("zone_territories"), get_global("zone_aliases")
    by_country, other = [], []
    with override(language):
        for zone, plain in time_zone_choices():
            if zone in aliases and zone != "UTC":
                continue
            territory = territories.get(zone)
            if not territory or territory in ("001", "ZZ"):
                other.append((zone, plain))
                continue
            label = gettext("%(country)s – %(city)s") % {
                "country": locale.territories.get(territory, territory),
                "city": get_timezone_location(zone, locale=locale, return_city=True),
            }
            by_country.append((zone, label))
        return (
            (gettext("By country"), tuple(sorted(by_country, key=lambda c: c[1].casefold()))),
            (gettext("Other time zones"), tuple(sorted(other, key=lambda c: c[1].casefold()))),
        )
