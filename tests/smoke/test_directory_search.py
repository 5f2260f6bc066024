"""The directory search works on every database the portal runs on: PostgreSQL, and SQLite for
the embedded default (``make run``), where words match the companies' search text instead of a
full-text vector (``directory.search_text``)."""

import pytest

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]
API = "/api/v1/partners/"
PAGE = "/directory/"
FACETS = ("competency", "industry", "country", "tier")


def test_each_facet_value_narrows_the_demo_directory_to_its_count(client, demo_values):
    everything = client.get(API).json()

    for name in FACETS:
        value = everything["facets"][name][0]
        narrowed = client.get(API, {name: value["value"]}).json()

        assert narrowed["count"] == value["count"], (name, value)
        assert 0 < narrowed["count"] <= everything["count"]


def test_words_filters_verified_and_sort_combine_on_the_page_and_the_api(client, demo_values):
    facets = client.get(API).json()["facets"]
    name = client.get(API, {"sort": "name"}).json()["results"][0]["name"]
    params = {
        "q": name.split()[0],
        "competency": [v["value"] for v in facets["competency"][:3]],
        "country": [v["value"] for v in facets["country"][:3]],
        "verified": "1",
        "sort": "rating",
    }

    page = client.get(PAGE, params)
    body = client.get(API, params).json()

    assert page.status_code == 200
    assert {"count", "next", "previous", "results", "facets"} <= set(body)
    assert client.get(API, {"q": name}).json()["count"] >= 1


def test_the_demo_partners_with_japanese_names_are_found_by_japanese_text(client, demo_values):
    for query, name in (
        ("株式会社サクラクラウド", "株式会社サクラクラウド"),
        ("富士データ", "富士データシステムズ株式会社"),
        ("データシステムズ", "富士データシステムズ株式会社"),  # a part inside the name
    ):
        names = [r["name"] for r in client.get(API, {"q": query}).json()["results"]]
        assert name in names, (query, names)
    page = client.get(PAGE, {"q": "サクラクラウド"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "株式会社サクラクラウド" in page
    assert "パートナーディレクトリ" in page


def test_a_search_for_a_competency_finds_every_partner_claiming_it(client, demo_values):
    competency = client.get(API).json()["facets"]["competency"][0]
    assert competency["count"] <= 20  # one page of each

    claiming = client.get(API, {"competency": competency["value"]}).json()["results"]
    found = client.get(API, {"q": competency["label"].lower()}).json()["results"]

    assert {r["slug"] for r in claiming} <= {r["slug"] for r in found}


def test_words_match_names_tags_and_public_offerings_whatever_the_accents():
    from directory.models import Visibility
    from directory.services.search_index import company_search_reindex
    from tests.directory.factories import CompanyFactory, OfferingFactory

    zurich = CompanyFactory(name="Zürich Datenwerk")
    zurich.tags.add("Terraform")
    OfferingFactory(company=zurich, name="Lakehouse Accelerator")
    quiet = CompanyFactory(name="Malmo Moln", offerings_visibility=Visibility.MEMBERS)
    OfferingFactory(company=quiet, name="Lakehouse Secrets")
    company_search_reindex(company_ids=[zurich.pk, quiet.pk])

    def found(q: str) -> list[str]:
        from django.test import Client

        return [r["name"] for r in Client().get(API, {"q": q}).json()["results"]]

    assert found("ZURICH daten") == ["Zürich Datenwerk"]
    assert "Malmo Moln" in found("malmö")
    assert "Zürich Datenwerk" in found("terraf")
    lakehouse = found("lakehouse")
    assert "Zürich Datenwerk" in lakehouse
    assert "Malmo Moln" not in lakehouse  # its offerings are for members only


def test_stop_words_are_ignored_and_every_letter_folds_as_on_postgresql(client):
    from directory.services.search_index import company_search_reindex
    from tests.directory.factories import CompanyFactory

    nordic = CompanyFactory(name="Øresund Łódź Systems", description="Tools for zeppelin trade.")
    turkish = CompanyFactory(name="Istanbul Bulut")
    company_search_reindex(company_ids=[nordic.pk, turkish.pk])

    def found(q: str) -> list[str]:
        return [r["name"] for r in client.get(API, {"q": q}).json()["results"]]

    assert found("oresund lodz") == ["Øresund Łódź Systems"]
    assert found("a zeppelin") == ["Øresund Łódź Systems"]  # no word of it begins with "a"
    assert found("İstanbul") == ["Istanbul Bulut"]
    page = client.get(PAGE, {"q": "the zeppelin"}).content.decode()
    assert "<mark>zeppelin</mark>" in page
    assert "<mark>the</mark>" not in page
