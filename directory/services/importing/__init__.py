"""Bulk onboarding of partner companies from CSV, all rows or none (docs/import-format.md).

Every row is checked in memory (`checking`) without a query of its own; valid rows are saved
set-based in one transaction, committed only when every row is valid: on PostgreSQL streamed by
COPY as they are checked (`staging`), elsewhere collected and saved with the ORM's bulk
statements (`saving`). The cost grows with the rows, not with queries per row.
"""

from __future__ import annotations

from django.db import connection, transaction

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
from directory.services.importing.staging import StagedWriter

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
    newline = b"\n" if isinstance(data, bytes) else "\n"
    expected = max(data.count(newline), 1)  # lines: the progress bar's estimate of the rows
    per_step = max(expected // SAVE_STEPS, 1)
    total = expected + (0 if dry_run else SAVE_STEPS * per_step)
    tick = max(expected // 200, 1)
    steps_done = 0

    def step(name: str) -> None:
        nonlocal steps_done
        steps_done += 1
        if progress:
            progress(expected + steps_done * per_step, total)

    with transaction.atomic():
        # Rows are saved as they are checked (on PostgreSQL; collected on other databases)
        # until one is bad; from then on they are only checked, and everything is rolled back.
        writer = None if dry_run else _writer(updated_ids=checker.existing_ids())
        for number, raw in rows:
            row, errors, warnings = checker.check(number, raw)
            report.rows += 1
            report.errors.extend(errors)
            report.warnings.extend(warnings)
            if row is not None:
                report.created += row.is_new
                report.updated += not row.is_new
                if writer is not None and not report.errors:
                    writer.add(row)
            if progress and report.rows % tick == 0:
                progress(min(report.rows, expected), total)
        if report.errors:
            report.created = report.updated = 0
            transaction.set_rollback(True)
        elif writer is not None:
            writer.finish(step=step)
    return report


class _CollectingWriter:
    """The portable writer: rows kept in memory, saved with the ORM's bulk statements."""

    def __init__(self) -> None:
        self.rows: list[CheckedRow] = []

    def add(self, row: CheckedRow) -> None:
        self.rows.append(row)

    def finish(self, *, step) -> None:
        rows_save(self.rows, step=step)


def _writer(*, updated_ids: list[int]) -> StagedWriter | _CollectingWriter:
    if connection.vendor == "postgresql":
        return StagedWriter(updated_ids=updated_ids)
    return _CollectingWriter()
