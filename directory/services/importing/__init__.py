"""Bulk onboarding of partner companies from CSV, all rows or none (docs/import-format.md).

Every row is checked in memory first (`checking`); only when all are valid are they saved,
set-based, in one transaction (`saving`): the cost grows with the rows, not with queries per
row.
"""

from __future__ import annotations

from django.db import transaction

from directory.services.importing.checking import (
    DUPLICATE_SLUG,
    EXTRA_CELLS,
    NOT_UTF8,
    NUL_CHARACTER,
    REQUIRED_VALUE,
    UNKNOWN_COLUMNS,
    UNKNOWN_COMPETENCY,
    CheckedRow,
    ImportReport,
    Progress,
    RowChecker,
    RowError,
    rows_read,
    slugs_read,
)
from directory.services.importing.saving import rows_save

# The messages and types callers and tests name; the other messages live in `checking`.
__all__ = [
    "DUPLICATE_SLUG",
    "EXTRA_CELLS",
    "NUL_CHARACTER",
    "REQUIRED_VALUE",
    "UNKNOWN_COLUMNS",
    "UNKNOWN_COMPETENCY",
    "ImportReport",
    "RowError",
    "companies_import",
]

# How the progress bar splits the work: checking every row, then the save steps.
SAVE_STEPS = 7


def companies_import(
    *, data: bytes | str, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Validate every row of a partner CSV and, only if all are valid, save them in one
    transaction (created or updated by slug); a dry run validates and saves nothing."""
    report = ImportReport(dry_run=dry_run)
    if isinstance(data, bytes):
        try:
            data.decode("utf-8-sig")  # checked whole first; rows are decoded as they are read
        except UnicodeDecodeError:
            report.errors.append(RowError(0, "", NOT_UTF8))
            return report
    rows = rows_read(data, report)
    if rows is None:
        return report
    checker = RowChecker()
    checker.prefetch(slugs_read(data))
    checked: list[CheckedRow] = []
    newline = b"\n" if isinstance(data, bytes) else "\n"
    expected = max(data.count(newline), 1)  # lines: the progress bar's estimate of the rows
    total = expected + (0 if dry_run else SAVE_STEPS * max(expected // SAVE_STEPS, 1))
    tick = max(expected // 200, 1)
    for number, raw in rows:
        row, errors, warnings = checker.check(number, raw)
        report.rows += 1
        report.errors.extend(errors)
        report.warnings.extend(warnings)
        if row is not None:
            checked.append(row)
        if progress and report.rows % tick == 0:
            progress(min(report.rows, expected), total)
    if report.errors or dry_run:
        report.created = sum(row.is_new for row in checked) if not report.errors else 0
        report.updated = len(checked) - report.created if not report.errors else 0
        return report
    steps_done = 0

    def step(name: str) -> None:
        nonlocal steps_done
        steps_done += 1
        if progress:
            progress(expected + steps_done * max(expected // SAVE_STEPS, 1), total)

    with transaction.atomic():
        rows_save(checked, step=step)
    report.created = sum(row.is_new for row in checked)
    report.updated = len(checked) - report.created
    return report
