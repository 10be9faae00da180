"""Roster files: CSV or XLSX with Chinese column headers, checked row by row.

Two kinds of file are read (docs/roster-file.md has the full reference, with examples):

- **the roster format** — one row per person with 编号 and 户号 (examples/roster.csv), and the
  columns for party membership, committee seats and representatives;
- **a village's own register** — a household register (户籍花名册) or the last election's voter
  list, as the township's Excel template has it: a title above the header, merged header cells,
  序号, 户主姓名, 姓名, 与户主关系, 性别, 身份证号码, 出生日期, 村民小组, 联系电话, 备注 and the like.
  Without 编号, a person's id is derived (:mod:`.ids`); without 户号, households are read from
  户主姓名 and 与户主关系 (:mod:`.households`); a 身份证号码 gives the birth date and sex, and is
  checked and then dropped (:mod:`.parse`).

The header may sit below title rows (:mod:`.header`); columns not used are listed in
``ParsedRoster.ignored`` and do not stop the import. Every bad row is reported with its number as
the spreadsheet shows it and every reason found; nothing is written while any row is bad unless
the caller skips them. A cell with a control character, a line break or a bidirectional control
(U+202E and the like, which make a name or an id display as something else) is such a reason: the
same check event text passes (:func:`deliberate.values.printable`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .codec import roster_from_data, roster_to_data
from .header import COLUMNS, SYNONYMS
from .parse import parse_rows, parse_table
from .result import ParsedRoster, RowError
from .table import FileProblem, Table, read_table

__all__ = ["COLUMNS", "SYNONYMS", "FileProblem", "ParsedRoster", "RowError", "Table", "parse_rows", "parse_table",
           "read_roster_file", "read_table", "roster_from_data", "roster_to_data"]


def read_roster_file(path: str | Path, *, data: bytes | None = None, key: bytes | None = None,
                     on: date | None = None) -> ParsedRoster:
    """Read a .csv or .xlsx roster file (a workbook's first sheet with a 姓名 column); with
    ``data``, the file's bytes, ``path`` being only its name. ``key``: the village's roster key,
    for a file without 编号 or 户号; ``on``: today. FileProblem if the file cannot be read as a
    table at all."""
    return parse_table(read_table(path, data), key=key, on=on)
