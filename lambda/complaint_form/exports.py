"""The inbox's export: one row per complaint, as CSV (for any program) or XLSX (Excel)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Literal

from complaint_form.models import StoredComplaint

ExportFormat = Literal["csv", "xlsx"]

COLUMNS = ["kenmerk", "soort", "zorgaanbieder", "regeling", "status", "ontvangen",
           "toegewezen aan", "contact uiterlijk", "contact opgenomen", "contact op tijd",
           "oordeel uiterlijk", "oordeel gegeven", "oordeel op tijd", "gesloten"]
# Only when asked for explicitly: what the complainant typed.
TEXT_COLUMNS = ["omschrijving", "gewenste oplossing"]

MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _in_time(value: bool | None) -> str:
    return {True: "ja", False: "nee", None: "nog open"}[value]


def rows(complaints: list[StoredComplaint], today: date,
         with_text: bool = False) -> list[list[str]]:
    """The header and one row per complaint; dates as YYYY-MM-DD (Amsterdam)."""
    table = [COLUMNS + (TEXT_COLUMNS if with_text else [])]
    for complaint in complaints:
        row = [complaint.reference, complaint.kind, complaint.provider_name,
               complaint.regeling_name or "", complaint.status, _day(complaint.received_on),
               complaint.assigned_to or "", _day(complaint.deadlines.contact_by),
               _day(complaint.contact_made_on), _in_time(complaint.contact_met(today)),
               _day(complaint.judgement_due), _day(complaint.judgement_on),
               _in_time(complaint.judgement_met(today)) if complaint.judgement_due else "",
               _day(complaint.closed_on)]
        if with_text:
            row += [complaint.complaint.description, complaint.complaint.desired_outcome]
        table.append(row)
    return table


def _safe(value: str) -> str:
    """Spreadsheet programs run a cell that starts like a formula: text typed into the form
    must stay text (OWASP: CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(table: list[list[str]]) -> bytes:
    """Semicolons, as Excel expects them with Dutch settings; a byte-order mark, so it reads
    the text as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([[_safe(cell) for cell in row] for row in table])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Klachten"
    for row in table:
        sheet.append(row)
        # Every cell as text: openpyxl would store "=..." as a formula.
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export(table: list[list[str]], export_format: ExportFormat) -> bytes:
    return to_csv(table) if export_format == "csv" else to_xlsx(table)
