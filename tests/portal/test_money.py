"""Money reads as each language writes it: one helper for every page, dashboard and email."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.money import money

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "currency", "written"),
    [
        ("en", "USD", "$1,234.50"),
        ("en", "EUR", "€1,234.50"),
        ("de", "EUR", f"1.234,50{NBSP}€"),
        ("de", "USD", f"1.234,50{NBSP}$"),
        ("fr", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("fr", "USD", f"1{NNBSP}234,50{NBSP}$US"),
        ("ja", "JPY", "￥1,234"),
        ("ja", "USD", "$1,234.50"),
    ],
)
def test_an_amount_is_written_in_the_readers_format(language, currency, written):
    with translation.override(language):
        assert money(Decimal("1234.50"), currency) == written


def test_without_a_currency_it_is_the_program_currency(settings):
    settings.PROGRAM_CURRENCY = "EUR"

    assert money(1234, language="de") == f"1.234,00{NBSP}€"


def test_dashboards_round_to_whole_units_and_nothing_stays_nothing():
    assert money(Decimal("1234567.5"), "EUR", language="de", whole=True) == f"1.234.568{NBSP}€"
    assert money(None, "EUR") == ""


def test_templates_use_the_same_helper():
    template = Template("{% load portal_tags %}{{ v|money:'EUR' }} / {{ v|money_whole:'EUR' }}")

    with translation.override("fr"):
        text = template.render(Context({"v": Decimal("99.5")}))

    assert text == f"99,50{NBSP}€ / 100{NBSP}€"
