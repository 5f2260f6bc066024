"""Bulk onboarding from CSV: every problem reported per row, all rows saved or none."""

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from taggit.models import Tag, TaggedItem

from directory.facet_cache import facet_cache_invalidate
from directory.models import ClaimedDomain, Company, CompanyCompetency, Competency, Offering
from directory.search_forms import search_params_clean
from directory.selectors.search import company_search
from directory.services.importing import (
    DUPLICATE_SLUG,
    EXTRA_CELLS,
    NUL_CHARACTER,
    REQUIRED_VALUE,
    UNKNOWN_COLUMNS,
    UNKNOWN_COMPETENCY,
    RowError,
    companies_import,
)
from portal.spreadsheets import looks_like_formula
from tests.directory.factories import (
    CompanyCompetencyFactory,
    CompanyFactory,
    CompetencyFactory,
    IndustryFactory,
)

pytestmark = pytest.mark.django_db
# PostgreSQL imports through staging tables, set-based (services.importing.staging); the embedded
# default saves row by row.
staged_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staged import is PostgreSQL's"
)
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample-partners.csv"

HEADER = "slug,name,hq_country,competencies,industries,offerings,countries_served,languages,tier"


@pytest.fixture(autouse=True)
def vocabulary():
    for slug in ["cloud-migration", "kubernetes", "data-analytics", "security", "identity"]:
        CompetencyFactory(name=slug.replace("-", " ").title(), slug=slug)
    for slug in ["manufacturing", "retail", "energy", "financial-services"]:
        IndustryFactory(name=slug.replace("-", " ").title(), slug=slug)


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = "acme-cloud,Acme Cloud,DE,kubernetes,retail,service:Migrations;product:Kit,AT;CH,de;en,gold"


def test_sample_file_imports_and_a_second_run_changes_nothing(capsys):
    call_command("import_partners", str(SAMPLE))
    assert Company.objects.count() == 3
    nimbus = Company.objects.get(slug="nimbus-cloud-partners")
    assert nimbus.tier == "certified"
    assert sorted(nimbus.offerings.values_list("name", flat=True)) == [
        "24x7 operations",
        "Landing Zone Kit",
        "Migration factory",
    ]
    assert ClaimedDomain.objects.get(domain="nimbus.example.com").company == nimbus
    counts = (Offering.objects.count(), CompanyCompetency.objects.count())
    call_command("import_partners", str(SAMPLE))
    assert Company.objects.count() == 3
    assert (Offering.objects.count(), CompanyCompetency.objects.count()) == counts
    assert "0 compan(ies) were created, 3 were updated" in capsys.readouterr().out


def test_rows_are_created_with_their_lists():
    report = companies_import(data=_csv(GOOD))
    assert (report.ok, report.created, report.updated) == (True, 1, 0)
    company = Company.objects.get(slug="acme-cloud")
    assert company.languages == ["de", "en"]
    assert set(company.countries.values_list("country", "is_headquarters")) == {
        ("DE", True),
        ("AT", False),
        ("CH", False),
    }
    claim = company.competency_claims.get()
    assert claim.status == CompanyCompetency.Status.SELF_DECLARED


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_saved():
    data = _csv(
        GOOD,
        "bad-country,Bad Country,XX,,,,,,",
        "bad-comp,Bad Competency,FR,quantum-computing,,,,,",
        "acme-cloud,Acme Again,DE,,,,,,",
        ",No Slug,DE,,,,,,",
        "bad-offer,Bad Offer,DE,,,gadget:Thing,,english,platinum",
    )
    report = companies_import(data=data)
    assert not report.ok
    assert Company.objects.count() == 0
    where = {(error.row, error.column) for error in report.errors}
    assert where == {
        (3, "hq_country"),
        (4, "competencies"),
        (5, "slug"),
        (6, "slug"),
        (7, "offerings"),
        (7, "languages"),
        (7, "tier"),
    }
    assert RowError(4, "competencies", UNKNOWN_COMPETENCY.format("quantum-computing")) in (
        report.errors
    )
    assert RowError(5, "slug", DUPLICATE_SLUG.format("acme-cloud", 2)) in report.errors
    assert RowError(6, "slug", REQUIRED_VALUE) in report.errors


def test_command_exits_non_zero_and_prints_the_report(tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text(_csv(GOOD, "bad-country,Bad Country,XX,,,,,,"), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_partners", str(path))
    assert "row 3, column hq_country:" in capsys.readouterr().err
    assert not Company.objects.exists()


@staged_on_postgresql
def test_a_failure_while_saving_rolls_back_every_row(monkeypatch):
    from directory.services.importing import staging

    def vocabulary_fails(company_ids):
        raise RuntimeError("disk full")

    # The last step: companies, their lists and the facet rows are all written by then.
    monkeypatch.setattr(staging, "company_vectors_written", vocabulary_fails)
    with pytest.raises(RuntimeError):
        companies_import(data=_csv(GOOD, "second,Second,FR,,,,,,", "third,Third,IT,,,,,,"))
    assert not Company.objects.exists()


def test_dry_run_reports_and_saves_nothing(tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text(_csv(GOOD), encoding="utf-8")
    call_command("import_partners", str(path), "--dry-run")
    assert "1 compan(ies) would be created" in capsys.readouterr().out
    assert not Company.objects.exists()


def test_dry_run_still_reports_errors():
    report = companies_import(data=_csv("x,X,XX,,,,,,"), dry_run=True)
    assert [error.column for error in report.errors] == ["hq_country"]


def test_re_import_updates_by_slug_and_keeps_staff_verifications():
    companies_import(data=_csv(GOOD))
    company = Company.objects.get(slug="acme-cloud")
    verified = CompanyCompetencyFactory(
        company=company, competency=CompetencyFactory(slug="security"), verified=True
    )
    report = companies_import(data=_csv("acme-cloud,Acme Cloud GmbH,DE,identity,,,,,"))
    assert (report.created, report.updated) == (0, 1)
    company.refresh_from_db()
    assert company.name == "Acme Cloud GmbH"
    assert company.tier == "gold"  # left empty: unchanged
    assert set(company.competency_claims.values_list("competency__slug", "status")) == {
        ("identity", "self_declared"),
        ("security", "verified"),
    }
    assert verified.pk in company.competency_claims.values_list("pk", flat=True)
    assert not company.offerings.exists()


def test_unknown_columns_and_a_missing_file_are_refused(tmp_path):
    report = companies_import(data="slug,name,hq_country,colour\nx,X,DE,red\n")
    assert report.errors == [RowError(1, "", UNKNOWN_COLUMNS.format("colour"))]
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_partners", str(tmp_path / "missing.csv"))


def test_a_file_that_is_not_utf8_is_refused():
    report = companies_import(data="slug,name,hq_country\nx,Gr\xfcn,DE\n".encode("latin-1"))
    assert [error.reason for error in report.errors] == ["The file is not UTF-8 encoded text."]


def test_a_domain_claimed_by_another_company_is_refused():
    companies_import(data="slug,name,hq_country,claimed_domains\na,A,DE,a.example\n")
    report = companies_import(data="slug,name,hq_country,claimed_domains\nb,B,DE,a.example\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "claimed_domains")]


def test_a_nul_byte_in_a_cell_is_a_row_error_in_the_dry_run_and_the_real_run(tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text(_csv(GOOD, "nul-co,Nul\x00 Company,FR,,,,,,"), encoding="utf-8")
    dry = companies_import(data=path.read_bytes(), dry_run=True)
    assert RowError(3, "name", NUL_CHARACTER) in dry.errors
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_partners", str(path))
    assert f"row 3, column name: {NUL_CHARACTER}" in capsys.readouterr().err
    assert not Company.objects.exists()


def test_a_row_with_more_cells_than_the_header_is_refused_not_truncated():
    report = companies_import(data=_csv(GOOD, "wide-co,Wide Co,FR,,,,,,gold,surplus,more"))
    assert report.errors == [RowError(3, "", EXTRA_CELLS.format(2))]
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("cells", "flagged_column"),
    [
        ('formula-co,"=HYPERLINK(""http://evil.example"",""Click"")",FR,,,,,,', "name"),
        ("formula-co,+cmd|' /C calc'!A0,FR,,,,,,", "name"),
        ("formula-co,@SUM(1+1),FR,,,,,,", "name"),
        ("formula-co,Formula Co,FR,,,service:Kit;service:=1+2,,,", "offerings"),
    ],
)
def test_formula_looking_cells_are_imported_but_flagged(cells, flagged_column):
    report = companies_import(data=_csv(cells))
    assert report.saved
    assert [(w.row, w.column) for w in report.warnings] == [(2, flagged_column)]
    assert Company.objects.filter(slug="formula-co").exists()


def test_signed_numbers_and_ordinary_text_are_not_flagged():
    report = companies_import(data=_csv("plain-co,Plain Co,FR,,,,,,"), dry_run=True)
    assert report.ok and report.warnings == []
    assert not looks_like_formula("+44 20 7946 0958")
    assert not looks_like_formula("-12.5")


def test_the_command_prints_flagged_cells_and_still_imports(tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text(_csv("formula-co,=1+2,FR,,,,,,"), encoding="utf-8")
    call_command("import_partners", str(path))
    out = capsys.readouterr().out
    assert "warning: row 2, column name: Starts like a spreadsheet formula (=1+2)" in out
    assert "1 cell(s) flagged" in out
    assert Company.objects.get(slug="formula-co").name == "=1+2"


def _rows(count: int, start: int = 0) -> list[str]:
    return [
        f"bulk-{n},Bulk {n},DE,kubernetes;security,retail,service:Ops,AT,de,gold"
        for n in range(start, start + count)
    ]


@staged_on_postgresql
def test_the_import_costs_the_same_queries_for_5_rows_as_for_60(django_assert_max_num_queries):
    companies_import(data=_csv(*_rows(5)))  # warm the content-type and vocabulary caches
    with django_assert_max_num_queries(40) as small:
        companies_import(data=_csv(*_rows(5, start=100)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        companies_import(data=_csv(*_rows(60, start=200)))
    assert Company.objects.filter(slug__startswith="bulk-").count() == 70


def test_after_an_import_search_finds_the_companies_and_the_facets_count_them(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        companies_import(data=_csv(*_rows(12), "acme-cloud,Acme Cloud,FR,kubernetes,,,,,"))
    found = client.get("/api/v1/partners/", {"q": "Acme Cloud"}).json()
    assert [item["slug"] for item in found["results"]] == ["acme-cloud"]
    facets = client.get("/api/v1/partners/", {"competency": "kubernetes"}).json()
    assert facets["count"] == 13
    tiers = {value["value"]: value["count"] for value in facets["facets"]["tier"]}
    assert tiers["gold"] == 12


def test_re_importing_replaces_lists_and_leaves_other_objects_tags_alone():
    companies_import(data=_csv(GOOD))
    company = Company.objects.get(slug="acme-cloud")
    company.tags.add("dropped-by-the-file")
    # Another kind of object with the same id, tagged through taggit's shared table.
    foreign = TaggedItem.objects.create(
        content_type=ContentType.objects.get_for_model(Competency),
        object_id=company.pk,
        tag=Tag.objects.get(name="dropped-by-the-file"),
    )
    companies_import(
        data=_csv("acme-cloud,Acme Cloud,DE,data-analytics,energy,product:New,FR,en,certified")
    )
    company.refresh_from_db()
    assert list(company.tags.names()) == []
    assert list(company.industries.values_list("slug", flat=True)) == ["energy"]
    assert list(company.offerings.values_list("name", flat=True)) == ["New"]
    assert set(company.countries.values_list("country", flat=True)) == {"DE", "FR"}
    assert company.tier == "certified"
    assert TaggedItem.objects.filter(pk=foreign.pk).exists()


def test_profile_completeness_follows_the_file_on_create_and_on_update():
    companies_import(data=_csv("sparse-co,Sparse Co,DE,,,,,,"))
    assert Company.objects.get(slug="sparse-co").profile_completeness == 0
    companies_import(data=_csv("sparse-co,Sparse Co,DE,kubernetes,retail,service:Ops,AT,de,"))
    # languages 5 + countries served 5 + industries 10 + competencies 15 + offerings 10
    assert Company.objects.get(slug="sparse-co").profile_completeness == 45


# On PostgreSQL the facet counts are read from the facet rows (migration 0004), which an import
# refreshes itself, once, with the triggers standing aside (migration 0005).
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="facet rows are PostgreSQL's"
)


def _search(**params) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The slugs a visitor finds and the facet counts beside them, computed afresh."""
    facet_cache_invalidate()
    result = company_search(viewer=None, params=search_params_clean(params))
    facets = {
        name: {value.value: value.count for value in values if value.count}
        for name, values in result.facets.items()
    }
    return sorted(card.slug for card in result.companies), facets


def _facet_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_search_facets ORDER BY company_id")
        return cursor.fetchall()


@pytest.fixture
def listed_before():
    """A company listed before the import, with a staff verification, in France."""
    company = CompanyFactory(slug="older-co", name="Older Co", hq_country="FR", tier="certified")
    CompanyCompetencyFactory(
        company=company, competency=Competency.objects.get(slug="security"), verified=True
    )
    return company


@on_postgresql
def test_after_an_import_search_and_every_facet_count_the_new_companies_exactly(listed_before):
    report = companies_import(
        data=_csv(
            GOOD,  # DE; kubernetes; retail; serves AT and CH; gold
            "beta-data,Beta Data,FR,data-analytics;kubernetes,energy;retail,,FR;US,,registered",
        )
    )
    assert (report.ok, report.created) == (True, 2)
    slugs, facets = _search()
    assert slugs == ["acme-cloud", "beta-data", "older-co"]
    assert facets["competency"] == {"kubernetes": 2, "data-analytics": 1, "security": 1}
    assert facets["industry"] == {"retail": 2, "energy": 1}
    assert facets["country"] == {"DE": 1, "AT": 1, "CH": 1, "FR": 2, "US": 1}
    assert facets["tier"] == {"gold": 1, "registered": 1, "certified": 1}
    assert _search(q="Beta Data")[0] == ["beta-data"]
    assert _search(competency="kubernetes", country="FR")[0] == ["beta-data"]


@on_postgresql
def test_after_an_update_import_the_facets_count_the_changed_lists(listed_before):
    companies_import(data=_csv(GOOD))
    companies_import(
        data=_csv(
            "acme-cloud,Acme Cloud,DE,identity,energy,,FR,,certified",
            "older-co,Older Co,FR,kubernetes,,,GB,,",
        )
    )
    slugs, facets = _search()
    assert slugs == ["acme-cloud", "older-co"]
    # Older Co keeps its verified security claim beside the file's kubernetes.
    assert facets["competency"] == {"identity": 1, "kubernetes": 1, "security": 1}
    assert facets["industry"] == {"energy": 1}
    assert facets["country"] == {"DE": 1, "FR": 2, "GB": 1}
    assert facets["tier"] == {"certified": 2}
    assert _search(verified="1")[1]["competency"] == {"security": 1}
    assert _search(q="kubernetes")[0] == ["older-co"]


@on_postgresql
def test_a_failing_row_leaves_no_company_and_no_facet_row_changed(listed_before):
    companies_import(data=_csv(GOOD))
    rows_before, search_before = _facet_rows(), _search()
    report = companies_import(
        data=_csv(
            "acme-cloud,Acme Cloud,DE,identity,energy,,FR,,certified",
            *_rows(30),
            "bad-country,Bad Country,XX,,,,,,",
        )
    )
    assert [(error.row, error.column) for error in report.errors] == [(33, "hq_country")]
    assert (report.created, report.updated) == (0, 0)
    assert not Company.objects.filter(slug__startswith="bulk-").exists()
    assert _facet_rows() == rows_before
    assert _search() == search_before
    assert _search(q="kubernetes")[0] == ["acme-cloud"]
