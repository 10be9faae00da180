"""A roster file read as a table: rows of cell values, each numbered as the user sees it.

A workbook's row numbers are Excel's (the first row is 1, blank rows count); a CSV file's are its
records (a cell holding a line break does not shift the numbers after it). A workbook's merged
cells are filled: every cell of a merged range holds the range's value, as the eye reads it — a
title merged across the top, a header cell merged over two header rows, a household head's name
merged down the rows of the household.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FileProblem", "Table", "decode_csv", "read_table"]

# Excel in China saves "CSV (逗号分隔)" as GBK; "CSV UTF-8" with a byte order mark; other tools
# without one. gb18030 is GBK's superset and decodes any byte sequence, so it comes last.
_ENCODINGS = ("utf-8-sig", "gb18030")
_OLD_EXCEL = {".xls": "Excel 97-2003", ".et": "WPS表格", ".ods": "OpenDocument"}


class FileProblem(ValueError):
    """The file cannot be read as a table; the message says why in Chinese."""


@dataclass(frozen=True)
class Table:
    """``rows``: (row number, cell values) for every row that has a cell; ``sheet``: the
    worksheet's name (None for CSV)."""

    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    sheet: str | None = None


def decode_csv(raw: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without a byte order mark) or GBK."""
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别文件编码（请保存为UTF-8或GBK）")  # pragma: no cover - gb18030 decodes all


def _csv(raw: bytes) -> Table:
    reader = csv.reader(io.StringIO(decode_csv(raw), newline=""))
    return Table(tuple((number, tuple(row)) for number, row in enumerate(reader, start=1)))


def _filled(sheet: Any) -> list[list[Any]]:
    rows = [list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        last = min(merged.max_col, sheet.max_column)
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([None] * (last - len(row)))
            for c in range(merged.min_col, last + 1):
                row[c - 1] = value
    return rows


def _has_header(rows: list[list[Any]]) -> bool:
    return any(any(isinstance(v, str) and "姓名" in v for v in row) for row in rows[:30])


def _xlsx(path: Path | io.BytesIO) -> Table:
    from openpyxl import load_workbook

    # Not read-only: a read-only workbook does not say which cells are merged.
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # not a zip, not a workbook, damaged: openpyxl's own words are English
        raise FileProblem("不是有效的Excel工作簿（.xlsx）：文件已损坏，或是改了扩展名的其他文件") from exc
    try:
        sheets = [(s.title, _filled(s)) for s in book.worksheets]
    finally:
        book.close()
    # The first sheet that has a header (a cover sheet or an instructions sheet may come first).
    title, rows = next(((t, r) for t, r in sheets if _has_header(r)), sheets[0])
    return Table(tuple((n, tuple(r)) for n, r in enumerate(rows, start=1)), title)


def read_table(path: str | Path, data: bytes | None = None) -> Table:
    """The rows of a .csv file or of a workbook's first sheet with a 姓名 column (.xlsx, .xlsm).
    With ``data``, the file's bytes are ``data`` and ``path`` is only its name (an upload, read in
    memory and never saved)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path.read_bytes() if data is None else data)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path if data is None else io.BytesIO(data))
    if suffix in _OLD_EXCEL:
        raise FileProblem(f"不支持{_OLD_EXCEL[suffix]}格式（{suffix}）：请在表格软件中“另存为”.xlsx 或 CSV 后再导入")
    raise FileProblem(f"不支持的文件类型“{path.suffix}”：请使用 .csv 或 .xlsx")
