"""The administrative divisions of mainland China: importer and the bundled jurisdiction table.

``kg import divisions PATH`` reads the divisions folder (``provinces.csv``, ``cities.csv``, ``areas.csv``,
``provinces-en-wikidata.tsv``) and writes ``data/reference/jurisdictions.tsv``, which the project ships so
that a fresh clone builds without the source folder.

Provenance of the bundled table:

- codes and Chinese names: the National Bureau of Statistics' statistical division codes as of 2023-06-30,
  from the public repository modood/Administrative-divisions-of-China, commit 57a0aa9, licence WTFPL.
  A 2- or 4-digit code is padded with zeros to the 6-digit GB/T 2260 form (11 → 110000, 3702 → 370200);
- type (直辖市/省/自治区), English names and Wikidata QIDs of the 31 provincial-level divisions: from
  ``provinces-en-wikidata.tsv``, whose first line says which column was checked against which source
  (the English names were not source-checked).

Two clean-ups happen on import:

- the cities.csv rows named in ``PLACEHOLDER_CITIES`` (the districts of a municipality, the counties governed
  directly by a province) are not jurisdictions; their counties hang directly under the province;
- three prefecture-level cities have no county level (东莞市 441900, 中山市 442000, 儋州市 460400), and the
  source lists each a second time in areas.csv under its own code and name. Those rows are the same division
  as the prefecture, so they are merged into it rather than minting a second jurisdiction with the same code.
  The source's 3,342 rows thus give 3,339 distinct jurisdictions (31 + 333 + 2,975), plus the country.

The table is the key for every region and jurisdiction code in the project. ``read_table``,
``JurisdictionTable`` (``by_code``, ``by_name``, ``children``, ``ancestors``, ``is_within``) and
``jurisdiction_table`` are a stable API that other modules build on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from kg.errors import InputError

LEVELS = ("country", "province", "prefecture", "county")
"""Jurisdiction levels, top down; the ids of the ``level`` concept scheme."""

PROVINCE_TYPES = ("直辖市", "省", "自治区", "特别行政区")
"""The types a provincial-level division can have."""

PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
"""cities.csv names that group counties under a province instead of naming a prefecture."""

TABLE_HEADER = ("code", "name_zh", "level", "parent", "division_type", "name_en", "wikidata")
"""The columns of ``jurisdictions.tsv``, in order."""

PROVINCES_FILE = "provinces.csv"
CITIES_FILE = "cities.csv"
AREAS_FILE = "areas.csv"
ENGLISH_FILE = "provinces-en-wikidata.tsv"

_HEADERS = {
    PROVINCES_FILE: ("code", "name"),
    CITIES_FILE: ("code", "name", "provinceCode"),
    AREAS_FILE: ("code", "name", "cityCode", "provinceCode"),
}
_ENGLISH_COLUMNS = ("code", "name_zh", "name_en", "type", "wikidata_qid")
_CODE = re.compile(r"^[0-9]{6}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_BAD_TEXT = re.compile(r"[\t\r\n\x00-\x1f\x7f]")


DIVISION_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
)
"""Endings of division names above the county level, longest first: 吉林省 → 吉林, 宁夏回族自治区 → 宁夏."""

@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction: the country (``code`` None) or a division with its 6-digit code.

    ``parent`` is the code of the direct parent; None for provinces (their parent is the country) and for
    the country. ``division_type``, ``name_en`` and ``wikidata`` (a QID such as ``Q956``) are known for the
    country and the provinces only.
    """

    code: str | None
    name_zh: str
    level: str
    parent: str | None
    division_type: str | None = None
    name_en: str | None = None
    wikidata: str | None = None


COUNTRY = Jurisdiction(
    code=None, name_zh="中国", level="country", parent=None, name_en="China", wikidata="Q148"
)
"""The People's Republic of China: national laws and bodies belong to it. It has no 6-digit code."""


@dataclass(frozen=True)
class ImportSummary:
    """What ``import_divisions`` wrote: counts per level and the output path."""

    path: Path
    provinces: int
    prefectures: int
    counties: int
    merged: int
    """areas.csv rows that repeat their prefecture (same code and name) and were merged into it."""

    @property
    def total(self) -> int:
        return self.provinces + self.prefectures + self.counties


class UnknownJurisdiction(InputError):
    """A code that is not in the jurisdiction table."""


# --- reading the source folder --------------------------------------------------------------------------


def _fail(path: Path, line: int, message: str) -> InputError:
    return InputError(f"{path}:{line}: {message}")


def _open_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) of a UTF-8 CSV/TSV file, BOM tolerated, blank lines skipped."""
    if not path.is_file():
        raise InputError(
            f"{path}: file not found; the divisions folder needs {PROVINCES_FILE}, {CITIES_FILE}, "
            f"{AREAS_FILE} and {ENGLISH_FILE}"
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            quoting: Literal[0, 1, 2, 3] = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            reader = csv.reader(handle, delimiter=delimiter, quoting=quoting, strict=True)
            for cells in reader:
                if cells and any(cell.strip() for cell in cells):
                    yield reader.line_num, cells
    except UnicodeDecodeError as error:
        where = f"{error.reason} at byte {error.start}"
        raise InputError(f"{path}: not UTF-8 text ({where}); save it as UTF-8") from None
    except csv.Error as error:
        raise InputError(f"{path}: not a well-formed CSV/TSV file ({error}); fix the quoting") from None


def _rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file after checking its header and the width of every row."""
    rows = _open_rows(path)
    first = next(rows, None)
    if first is None:
        raise _fail(path, 1, f"empty file; expected the header {','.join(header)}")
    line, cells = first
    if tuple(cell.strip() for cell in cells) != header:
        raise _fail(path, line, f"header is {','.join(cells)}; expected {','.join(header)}")
    for line, cells in rows:
        if len(cells) != len(header):
            raise _fail(path, line, f"{len(cells)} columns; expected {len(header)} ({','.join(header)})")
        yield line, [cell.strip() for cell in cells]


def _code(path: Path, line: int, value: str, digits: int, column: str) -> str:
    """A source code of ``digits`` digits, padded to 6 digits."""
    if len(value) != digits or not value.isascii() or not value.isdigit():
        raise _fail(path, line, f"{column} {value!r} is not a {digits}-digit code; fix or remove the row")
    return value.ljust(6, "0")


def _name(path: Path, line: int, value: str) -> str:
    if not value or _BAD_TEXT.search(value):
        raise _fail(path, line, f"name {value!r} is empty or holds a tab or control character; fix the name")
    return value


def _claim(seen: dict[str, tuple[Path, int]], code: str, path: Path, line: int) -> None:
    if code in seen:
        first_path, first_line = seen[code]
        raise _fail(path, line, f"duplicate code {code} (first at {first_path}:{first_line}); remove one row")
    seen[code] = (path, line)


def _read_english(path: Path) -> dict[str, tuple[int, dict[str, str]]]:
    """provinces-en-wikidata.tsv: code → (line, row); leading ``#`` lines are comments."""
    rows = ((line, cells) for line, cells in _open_rows(path, "\t") if not cells[0].startswith("#"))
    first = next(rows, None)
    if first is None:
        raise _fail(path, 1, f"no header; expected columns {', '.join(_ENGLISH_COLUMNS)}")
    line, header = first
    header = [cell.strip() for cell in header]
    missing = [column for column in _ENGLISH_COLUMNS if column not in header]
    if missing:
        raise _fail(path, line, f"header lacks the column(s) {', '.join(missing)}; add them")
    result: dict[str, tuple[int, dict[str, str]]] = {}
    for line, cells in rows:
        if len(cells) != len(header):
            raise _fail(path, line, f"{len(cells)} columns; expected {len(header)} like the header")
        row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        code = row["code"]
        if not _CODE.match(code) or not code.endswith("0000"):
            raise _fail(path, line, f"code {code!r} is not a 6-digit provincial code such as 110000; fix it")
        if code in result:
            first_line = result[code][0]
            raise _fail(path, line, f"duplicate code {code} (first at line {first_line}); remove one row")
        if row["type"] not in PROVINCE_TYPES:
            raise _fail(path, line, f"type {row['type']!r} is not one of {', '.join(PROVINCE_TYPES)}; fix it")
        if not _QID.match(row["wikidata_qid"]):
            raise _fail(path, line, f"wikidata_qid {row['wikidata_qid']!r} is not a QID such as Q956; fix it")
        _name(path, line, row["name_en"])
        result[code] = (line, row)
    return result


def read_divisions(folder: Path) -> list[Jurisdiction]:
    """Read the divisions folder into jurisdictions sorted by code (the country not included).

    Raises InputError, naming ``file:line`` and the fix, on a missing file, a wrong header, a bad code, a
    duplicate code, or a row whose city or province does not exist.
    """
    return _read_divisions(Path(folder))[0]


def _read_divisions(folder: Path) -> tuple[list[Jurisdiction], int]:
    """The jurisdictions, and how many areas.csv rows were merged into their prefecture."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the divisions folder that holds {PROVINCES_FILE}")
    provinces_path, cities_path = folder / PROVINCES_FILE, folder / CITIES_FILE
    areas_path, english_path = folder / AREAS_FILE, folder / ENGLISH_FILE
    english = _read_english(english_path)
    seen: dict[str, tuple[Path, int]] = {}
    result: dict[str, Jurisdiction] = {}

    for line, (raw, name) in _rows(provinces_path, _HEADERS[PROVINCES_FILE]):
        code = _code(provinces_path, line, raw, 2, "code")
        name = _name(provinces_path, line, name)
        _claim(seen, code, provinces_path, line)
        if code not in english:
            raise _fail(provinces_path, line, f"province {code} {name} has no row in {english_path}; add one")
        extra = english[code][1]
        if extra["name_zh"] != name:
            message = f"name_zh {extra['name_zh']!r} is not {name!r} as in {provinces_path}; make them agree"
            raise _fail(english_path, english[code][0], message)
        result[code] = Jurisdiction(
            code, name, "province", None, extra["type"], extra["name_en"], extra["wikidata_qid"]
        )
    for code, (line, _row) in english.items():
        if code not in result:
            raise _fail(english_path, line, f"code {code} is not in {provinces_path}; remove the row")

    placeholders: dict[str, str] = {}
    merged = 0
    for line, (raw, name, raw_province) in _rows(cities_path, _HEADERS[CITIES_FILE]):
        code = _code(cities_path, line, raw, 4, "code")
        province = _province_of(cities_path, line, raw_province, code, result)
        name = _name(cities_path, line, name)
        _claim(seen, code, cities_path, line)
        if name in PLACEHOLDER_CITIES:
            placeholders[code] = province
        else:
            result[code] = Jurisdiction(code, name, "prefecture", province)

    for line, (raw, name, raw_city, raw_province) in _rows(areas_path, _HEADERS[AREAS_FILE]):
        code = _code(areas_path, line, raw, 6, "code")
        _province_of(areas_path, line, raw_province, code, result)
        city = _code(areas_path, line, raw_city, 4, "cityCode")
        if city not in result and city not in placeholders:
            message = f"cityCode {raw_city} is not in {cities_path}; fix the code or add the city"
            raise _fail(areas_path, line, message)
        if not code.startswith(raw_city) or not city.startswith(raw_province):
            message = f"code {raw} does not lie in city {raw_city} of province {raw_province}; fix the codes"
            raise _fail(areas_path, line, message)
        name = _name(areas_path, line, name)
        prefecture = result.get(city)
        if code == city and prefecture is not None and prefecture.name_zh == name:
            merged += 1  # a prefecture without counties, listed again as its own county: the same division
            continue
        _claim(seen, code, areas_path, line)
        result[code] = Jurisdiction(code, name, "county", placeholders.get(city, city))
    return [result[code] for code in sorted(result)], merged


def _province_of(path: Path, line: int, raw: str, code: str, known: dict[str, Jurisdiction]) -> str:
    province = _code(path, line, raw, 2, "provinceCode")
    if known.get(province) is None or known[province].level != "province":
        message = f"provinceCode {raw} is not in {PROVINCES_FILE}; fix the code or add the province"
        raise _fail(path, line, message)
    if not code.startswith(raw):
        raise _fail(path, line, f"code {code} does not lie in province {raw}; fix the codes")
    return province


# --- the table ------------------------------------------------------------------------------------------


def _cell(value: str | None) -> str:
    return "" if value is None else value


def table_text(jurisdictions: Iterable[Jurisdiction]) -> str:
    """The TSV text of a table: header, then one row per division sorted by code (the country is left out)."""
    rows = sorted((j for j in jurisdictions if j.code is not None), key=lambda j: j.code or "")
    lines = ["\t".join(TABLE_HEADER)]
    for j in rows:
        cells = (j.code, j.name_zh, j.level, j.parent, j.division_type, j.name_en, j.wikidata)
        texts = [_cell(cell) for cell in cells]
        if any(_BAD_TEXT.search(text) for text in texts):
            raise ValueError(f"jurisdiction {j.code} holds a tab or control character")
        lines.append("\t".join(texts))
    return "\n".join(lines) + "\n"


def write_table(jurisdictions: Iterable[Jurisdiction], path: Path) -> None:
    """Write ``jurisdictions.tsv`` atomically: a temporary file in the same folder, then a rename."""
    from kg.publish import write_file

    write_file(Path(path), table_text(jurisdictions).encode("utf-8"))


def default_table_path() -> Path:
    """The bundled table, ``data/reference/jurisdictions.tsv``."""
    from kg.resources import data_dir

    return data_dir() / "reference" / "jurisdictions.tsv"


def read_table(path: Path | None = None) -> list[Jurisdiction]:
    """Read a jurisdiction table (default: the bundled one), sorted by code, country not included.

    Checks the header, the codes, the levels and that every parent is in the table.
    """
    path = default_table_path() if path is None else Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; run `kg import divisions PATH` to make it")
    rows = _open_rows(path, "\t")
    first = next(rows, None)
    if first is None or tuple(first[1]) != TABLE_HEADER:
        line = 1 if first is None else first[0]
        raise _fail(path, line, f"header must be {' '.join(TABLE_HEADER)} (tab-separated); re-run the import")
    result: list[Jurisdiction] = []
    lines: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) != len(TABLE_HEADER):
            raise _fail(path, line, f"{len(cells)} columns; expected {len(TABLE_HEADER)}; re-run the import")
        code, name_zh, level, parent, division_type, name_en, wikidata = (cell or None for cell in cells)
        if code is None or not _CODE.match(code):
            raise _fail(path, line, f"code {code!r} is not a 6-digit code; re-run the import")
        if code in lines:
            raise _fail(path, line, f"duplicate code {code} (first at line {lines[code]}); re-run the import")
        if level not in LEVELS[1:]:
            raise _fail(path, line, f"level {level!r} is not province, prefecture or county; re-import")
        if name_zh is None or (level == "province") != (parent is None):
            raise _fail(path, line, "a name is required, and a parent for all but provinces; re-import")
        lines[code] = line
        result.append(Jurisdiction(code, name_zh, level, parent, division_type, name_en, wikidata))
    for j in result:
        if j.parent is not None and j.parent not in lines:
            raise _fail(path, lines[j.code or ""], f"parent {j.parent} is not in the table; re-import")
    return sorted(result, key=lambda j: j.code or "")


class JurisdictionTable:
    """Look-ups over a jurisdiction table; the country (code ``None``) is always part of it.

    Stable API: ``by_code``, ``get``, ``by_name``, ``children``, ``ancestors``, ``is_within``, ``in``,
    ``len``, iteration (country first, then by code).
    """

    def __init__(self, jurisdictions: Iterable[Jurisdiction]) -> None:
        divisions = sorted((j for j in jurisdictions if j.code is not None), key=lambda j: j.code or "")
        self._by_code: dict[str | None, Jurisdiction] = {None: COUNTRY}
        self._by_code.update((j.code, j) for j in divisions)
        self._children: dict[str | None, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        for j in divisions:
            assert j.code is not None
            self._children.setdefault(j.parent, []).append(j.code)
            self._by_name.setdefault(j.name_zh, []).append(j.code)

    def __len__(self) -> int:
        """Divisions plus the country."""
        return len(self._by_code)

    def __iter__(self) -> Iterator[Jurisdiction]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str | None) -> Jurisdiction | None:
        """The jurisdiction with this code (None: the country), or None when there is none."""
        return self._by_code.get(code)

    def by_code(self, code: str | None) -> Jurisdiction:
        """The jurisdiction with this 6-digit code (None: the country); else UnknownJurisdiction."""
        found = self._by_code.get(code)
        if found is None:
            well_formed = isinstance(code, str) and _CODE.match(code)
            hint = "" if well_formed else " (codes have 6 digits, e.g. 110000)"
            raise UnknownJurisdiction(
                f"unknown jurisdiction code {code!r}{hint}; use a code from data/reference/jurisdictions.tsv"
            )
        return found

    def by_name(self, name_zh: str) -> list[str]:
        """Codes of every division with exactly this Chinese name, sorted; [] if none (朝阳区 gives two)."""
        return list(self._by_name.get(name_zh, ()))

    def children(self, code: str | None) -> list[str]:
        """Codes of the direct children, sorted; ``children(None)`` lists the provinces."""
        self.by_code(code)
        return list(self._children.get(code, ()))

    def ancestors(self, code: str) -> list[str]:
        """Codes from the direct parent up to the province; the country above them is implied, not listed."""
        chain: list[str] = []
        parent = self.by_code(code).parent
        while parent is not None:
            chain.append(parent)
            parent = self.by_code(parent).parent
        return chain

    def is_within(self, code: str, ancestor_code: str | None, *, inclusive: bool = False) -> bool:
        """Whether ``code`` lies inside ``ancestor_code`` (None: the country, which holds every division).

        Strict by default, like the transitive closure of ``fz:within``; ``inclusive=True`` also accepts
        ``code == ancestor_code``. Both codes must be known.
        """
        self.by_code(ancestor_code)
        if code == ancestor_code:
            self.by_code(code)
            return inclusive
        return ancestor_code is None or ancestor_code in self.ancestors(code)


@lru_cache(maxsize=8)
def _cached_table(path: Path) -> JurisdictionTable:
    return JurisdictionTable(read_table(path))


def jurisdiction_table(path: Path | None = None) -> JurisdictionTable:
    """The jurisdiction table of ``path`` (default: the bundled one), read once per process."""
    return _cached_table(default_table_path() if path is None else Path(path).resolve())


# --- the importer ---------------------------------------------------------------------------------------


def import_divisions(source: Path, out: Path) -> ImportSummary:
    """Read the divisions folder ``source`` and write its table to ``out`` (``kg import divisions``)."""
    jurisdictions, merged = _read_divisions(Path(source))
    write_table(jurisdictions, Path(out))
    count = {level: sum(1 for j in jurisdictions if j.level == level) for level in LEVELS}
    return ImportSummary(
        path=Path(out),
        provinces=count["province"],
        prefectures=count["prefecture"],
        counties=count["county"],
        merged=merged,
    )
