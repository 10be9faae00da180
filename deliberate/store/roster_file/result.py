"""What reading a roster file gives: the records, the rows refused, and what the reader noticed."""

from __future__ import annotations

from dataclasses import dataclass, field

from deliberate.roster import Household, Kinship, PartyMembership, Person, Representation, Seat

__all__ = ["ParsedRoster", "RowError"]


@dataclass(frozen=True)
class RowError:
    """A row refused (or, in ``ParsedRoster.skipped``, passed over), with the row's number as the
    spreadsheet shows it."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.reason}"


@dataclass
class ParsedRoster:
    """The good rows as roster records, and ``errors``: the rows refused, each with every reason.

    ``rows``: rows read as people (good or bad). ``sheet``: the worksheet read; ``header_line``:
    the header's row; ``above``: rows above it passed over (titles); ``ignored``: columns not
    imported, by their names in the file; ``skipped``: rows that are not people (a footer such as
    "制表人：……"). ``id_numbers``: rows whose identity number was read and checked (the numbers
    themselves are not kept), ``legacy_id_numbers`` of them 15-digit ones; ``derived_ids``: the
    file has no 编号 (ids were derived); ``households_inferred``: it has no 户号 (households were
    read from 户主姓名 and 与户主关系)."""

    people: list[Person] = field(default_factory=list)
    households: dict[str, Household] = field(default_factory=dict)
    memberships: list[PartyMembership] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    representations: list[Representation] = field(default_factory=list)
    kinships: list[Kinship] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    sheet: str | None = None
    header_line: int = 1
    above: tuple[int, ...] = ()
    ignored: tuple[str, ...] = ()
    skipped: list[RowError] = field(default_factory=list)
    id_numbers: int = 0
    legacy_id_numbers: int = 0
    derived_ids: bool = False
    households_inferred: bool = False

    @property
    def header_refused(self) -> bool:
        """Whether the file was refused as a whole (no header, missing columns): nothing was read."""
        return bool(self.errors) and not self.rows
