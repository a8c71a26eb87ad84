"""CSV and Excel as every export writes them: in constant memory, safe against spreadsheet
formulas, Tokyo dates, a Japanese file name, and never kept by a cache.

CSV is UTF-8 with a BOM (Excel then reads it as UTF-8, not Shift_JIS) and CRLF line ends, and
goes out as the rows are made (StreamingHttpResponse). Excel is written by openpyxl's
write-only workbook, which keeps nothing but the current row, into a temporary file that is
then streamed (FileResponse).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.utils import dates

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell that starts with one of these is read as a formula by Excel and LibreOffice, even
# from CSV: a resident's "=HYPERLINK(…)" must stay text (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_UNSAFE_IN_FILENAME = re.compile(r"[\s/\\:*?\"<>|]+")


def safe_filename(name: str) -> str:
    """A name for a file: spaces and characters a file system refuses become 「_」."""
    return _UNSAFE_IN_FILENAME.sub("_", name)


def csv_cell(value: Any) -> Any:
    """One CSV cell: nothing for None, Tokyo dates and times, text that no spreadsheet runs
    as a formula; numbers stay numbers."""
    if value.__class__ is str:  # most cells: one test, not four
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return dates.datetime_iso(value)
    if isinstance(value, dt.date):
        return dates.date_iso(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Characters of CSV sent at a time: one write per line would cost a round through the
# server's stack per row; this much keeps memory flat all the same.
CSV_CHUNK = 64 * 1024


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The header and the rows as bytes, the BOM first, in pieces of about CSV_CHUNK."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if tail := buffer.getvalue():
        yield tail.encode()


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> IO[bytes]:
    """An Excel workbook of the rows in a temporary file, rewound for reading. The file has
    no name on disk and disappears when closed (FileResponse closes it when done)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and value.startswith("="):
                # openpyxl would write it as a formula; it is what the person wrote.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return output


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    # Personal data: no cache on the way or in the browser keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str
) -> HttpResponseBase:
    """A CSV download streamed as the rows are read."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return _no_store(response)


def xlsx_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str, title: str
) -> HttpResponseBase:
    """An Excel download (one sheet named `title`)."""
    response = FileResponse(
        xlsx_file(header, rows, title=title),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )
    return _no_store(response)
