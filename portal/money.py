"""Money as the reader expects it: the one helper every page, export-free text and email uses.

An amount is written in the active language's format (CLDR, through Babel), its currency as
that language writes it: 1.234,50 € in German, 1 234,50 € in French, ￥1,235 or $1,234.50 in
Japanese, $1,234.50 in English. Amounts are never converted between currencies.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, parse_pattern
from django.conf import settings
from django.utils.translation import get_language

from portal.cldr import babel_locale


def money(
    amount: object,
    currency: str | None = None,
    *,
    language: str | None = None,
    whole: bool = False,
) -> str:
    """``amount`` in ``currency`` (the program currency when not given), written for
    ``language`` (the active one when not given), rounded to whole units when ``whole`` (the
    dashboards' totals); "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    code = (currency or settings.PROGRAM_CURRENCY).upper()
    locale = babel_locale(language or get_language())
    if not whole:
        return format_currency(value, code, locale=locale)
    pattern = copy.copy(parse_pattern(locale.currency_formats["standard"]))
    pattern.frac_prec = (0, 0)
    return pattern.apply(value, locale, currency=code, currency_digits=False)
