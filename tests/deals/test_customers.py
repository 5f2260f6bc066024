"""Who counts as the same customer: registrable domains and normalized names."""

import pytest

from deals.customers import customer_host, customer_name_key, registrable_domain


@pytest.mark.parametrize(
    ("typed", "host", "registrable"),
    [
        ("sales.acme.co.uk", "sales.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk", "acme.co.uk"),
        ("https://www.Acme.com/contact?x=1", "acme.com", "acme.com"),
        ("buyer@eu.acme.de", "eu.acme.de", "acme.de"),
        ("shop.acme.com.au", "shop.acme.com.au", "acme.com.au"),
        ("acme.github.io", "acme.github.io", "acme.github.io"),
        ("BÜCHER.de", "xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_subdomains_count_as_their_registrable_domain(typed, host, registrable):
    assert customer_host(typed) == host
    assert registrable_domain(customer_host(typed)) == registrable


@pytest.mark.parametrize("typed", ["co.uk", "com", "localhost", "", "http://", "a..b"])
def test_public_suffixes_and_non_domains_have_no_registrable_domain(typed):
    assert registrable_domain(customer_host(typed)) == ""


@pytest.mark.parametrize(
    "name",
    ["ACME, Inc.", "Acme Inc", "Ácme GmbH", "acme", "Acme S.A.", "ACME Pty Ltd", "Acme LLC",
     "Acme AG", "Acme SAS", "Acme B.V.", "Acme K.K.", "  Acme   Ltd.  ", "Acme & Co."],
)  # fmt: skip
def test_case_accents_punctuation_and_legal_suffixes_are_ignored(name):
    assert customer_name_key(name) == "acme"


def test_different_names_stay_different():
    assert customer_name_key("Acme Logistics GmbH") == "acme logistics"
    assert customer_name_key("Acme Logistics GmbH") != customer_name_key("Acme Retail GmbH")


def test_a_name_that_is_only_a_legal_form_is_kept():
    assert customer_name_key("AG") == "ag"
