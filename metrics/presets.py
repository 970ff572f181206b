"""Column-mapping presets: load a vendor's export whose headers and codes differ from the contract.

A preset is a TOML file in data/presets/ (its name is the file name without .toml):

    title = "…"                      # shown on the data page
    attribution = "…"                # a licence's credit line, shown with the data
    source = "…"                     # where the data comes from (publisher, address)
    aggregates = ["CS_MEDIAN"]       # org_ids of rows that are aggregates, not organisations
    kind = "survey_results"          # the contract kind the file becomes
    description = "…"
    footnote_digits = true           # "Leadership and managing change1" matches its alias

    [columns]                        # contract column = header alias, or a list of aliases
    org_id = ["Organisation code", "Organisation_Code"]

    [values.status]                  # a column's codes → contract values
    "2" = "in_review"

    [constants]                      # columns the file does not carry, the same on every row
    anonymous = "false"

    [unpivot]                        # a wide file: each listed column becomes a row of its own
    into = "indicator"               # the contract column that names the listed column
    value = "favourable_pct"         # the contract column that takes its cell
    columns = { "Employee engagement index" = "satisfaction" }

    [also.organisations]             # rows of another kind made from the same file, loaded first
    columns = { org_id = ["Organisation code"], name = ["Organisation"] }
    constants = { home = "false" }

    [round]                          # --round ID creates the survey round when it is missing
    pattern = '^CSPS(?P<year>\\d{4})$'
    name = "Civil Service People Survey {year}"
    closed_on = "{year}-10-31"

Headers are matched case-insensitively, with surrounding space ignored and `_` read as a space.
The file itself is never changed: a preset only says how to read it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metrics.contract import KINDS
from metrics.import_reasons import Reason

PRESET_DIR = Path(__file__).resolve().parent.parent / "data" / "presets"
_FOOTNOTE = re.compile(r"(?<=[^\d\s])\d{1,2}$")


@dataclass(frozen=True)
class Mapping:
    """How one kind's columns are found in the file: aliases per contract column, constants."""

    kind: str
    columns: dict[str, tuple[str, ...]]
    constants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unpivot:
    into: str
    value: str
    columns: dict[str, str]  # header alias → the value of `into`


@dataclass(frozen=True)
class RoundTemplate:
    pattern: str
    fields: dict[str, str]  # survey_rounds column → template with the pattern's {groups}

    def row(self, round_id: str) -> dict[str, str] | None:
        """The survey_rounds row for `round_id`, or None when the id does not fit the pattern."""
        found = re.fullmatch(self.pattern, round_id)
        if found is None:
            return None
        return {"round_id": round_id} | {
            column: template.format(**found.groupdict()) for column, template in self.fields.items()
        }


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    kind: str
    description: str
    main: Mapping
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    unpivot: Unpivot | None = None
    also: tuple[Mapping, ...] = ()
    round: RoundTemplate | None = None
    footnote_digits: bool = False
    attribution: str = ""  # shown wherever the data is shown, where its licence asks for it
    source: str = ""  # the publisher and where the file was taken from, shown with the credit
    # org_ids of rows that summarise the others (a published median or mean): loaded and kept
    # as reference figures, never counted as organisations in a benchmark distribution
    aggregates: tuple[str, ...] = ()


@dataclass
class Mapped:
    """One kind's rows as the contract names them (strings), read from a file through a preset.

    `file_rows` gives each row's row in the file (the header is row 1) and `labels` the file's
    header for a contract column (a Series where it differs row by row, as after an unpivot), so
    that an error report names what the person sees in their file.
    """

    kind: str
    frame: pd.DataFrame
    file_rows: pd.Series
    labels: dict[str, str | pd.Series]


class PresetError(ValueError):
    """A preset file that cannot be used (a usage error, not a problem with the data file)."""


def available(directory: Path = PRESET_DIR) -> list[str]:
    """The names of the presets in data/presets/, sorted."""
    return sorted(p.stem for p in directory.glob("*.toml"))


def load(name: str, directory: Path = PRESET_DIR) -> Preset:
    """The preset called `name` (data/presets/NAME.toml), or a path to a preset .toml file."""
    path = Path(name) if name.endswith(".toml") else directory / f"{name}.toml"
    if not path.exists():
        raise PresetError(
            f"no preset named {name!r}; the presets are {', '.join(available(directory)) or 'none'}"
        )
    try:
        spec = tomllib.loads(path.read_text("utf-8"))
        return _parse(path.stem, spec)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as error:
        raise PresetError(f"preset {path.name} cannot be read: {error}") from None


def _aliases(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _mapping(kind: str, spec: dict) -> Mapping:
    if kind not in KINDS:
        raise PresetError(f"unknown kind {kind!r} in a preset")
    columns = {c: _aliases(a) for c, a in spec.get("columns", {}).items()}
    constants = {c: str(v) for c, v in spec.get("constants", {}).items()}
    known = {c.name for c in KINDS[kind].columns}
    unknown = (set(columns) | set(constants)) - known
    if unknown and kind != "survey_responses":
        raise PresetError(f"{kind} has no column(s) {', '.join(sorted(unknown))}")
    return Mapping(kind, columns, constants)


def _parse(name: str, spec: dict) -> Preset:
    kind = spec["kind"]
    unpivot = spec.get("unpivot")
    round_spec = spec.get("round")
    return Preset(
        name=name,
        title=spec.get("title", name),
        kind=kind,
        description=spec.get("description", ""),
        main=_mapping(kind, spec),
        values={
            c: {str(k).casefold(): str(v) for k, v in m.items()}
            for c, m in spec.get("values", {}).items()
        },  # fmt: skip
        unpivot=Unpivot(unpivot["into"], unpivot["value"], dict(unpivot["columns"]))
        if unpivot
        else None,
        also=tuple(_mapping(k, s) for k, s in spec.get("also", {}).items()),
        round=RoundTemplate(
            round_spec["pattern"], {k: v for k, v in round_spec.items() if k != "pattern"}
        )
        if round_spec
        else None,
        footnote_digits=bool(spec.get("footnote_digits", False)),
        attribution=spec.get("attribution", ""),
        source=spec.get("source", ""),
        aggregates=tuple(spec.get("aggregates", ())),
    )


def normalise(header: str) -> str:
    """A header as it is compared: case folded, `_` read as space, spaces collapsed."""
    return " ".join(str(header).replace("\ufeff", "").replace("_", " ").casefold().split())


class _Headers:
    """The file's headers, found by alias."""

    def __init__(self, headers: list[str], footnote_digits: bool):
        self.by_name: dict[str, str] = {}
        for header in headers:
            self.by_name.setdefault(normalise(header), header)
            if footnote_digits:
                self.by_name.setdefault(_FOOTNOTE.sub("", normalise(header)), header)
        self.used: set[str] = set()

    def find(self, aliases: tuple[str, ...]) -> str | None:
        for alias in aliases:
            header = self.by_name.get(normalise(alias))
            if header is not None:
                self.used.add(header)
                return header
        return None


def apply(
    preset: Preset, frame: pd.DataFrame, round_id: str | None
) -> tuple[list[Mapped], list[str], list[tuple[str, str]]]:
    """The file read through the preset: one Mapped per kind (the `also` kinds first), warnings,
    and the missing columns as (what the preset looked for, a reason code of
    metrics.import_reasons) for the error report."""
    headers = _Headers([str(c) for c in frame.columns], preset.footnote_digits)
    missing: list[tuple[str, str]] = []
    parts = [_map(m, frame, headers, preset, missing) for m in preset.also]
    main = _map(preset.main, frame, headers, preset, missing)
    if preset.unpivot is not None:
        main = _unpivot(main, frame, headers, preset.unpivot, missing)
    if round_id is not None and "round_id" in {c.name for c in KINDS[preset.kind].columns}:
        main.frame["round_id"] = round_id
        main.labels["round_id"] = "--round"
    parts.append(main)
    ignored = [str(c) for c in frame.columns if str(c) not in headers.used]
    warnings = []
    if ignored:
        shown = ", ".join(ignored[:8]) + (", …" if len(ignored) > 8 else "")
        warnings.append(Reason("preset_ignored", count=len(ignored), columns=shown))
    return parts, warnings, missing


def _map(
    mapping: Mapping, frame: pd.DataFrame, headers: _Headers, preset: Preset, missing: list
) -> Mapped:
    columns: dict[str, pd.Series] = {}
    labels: dict[str, str | pd.Series] = {}
    for column, aliases in mapping.columns.items():
        header = headers.find(aliases)
        if header is None:
            required = column in KINDS[mapping.kind].required
            if required:
                missing.append((" / ".join(aliases), "preset_missing_column"))
            continue
        values = frame[header].astype(str)
        codes = preset.values.get(column) if mapping.kind == preset.kind else None
        if codes:
            values = values.map(lambda v, codes=codes: codes.get(v.strip().casefold(), v))
        columns[column] = values
        labels[column] = header
    for column, value in mapping.constants.items():
        columns[column] = pd.Series(value, index=frame.index, dtype=object)
        labels[column] = f"{column} (preset {preset.name})"
    mapped = pd.DataFrame(columns, index=frame.index)
    return Mapped(mapping.kind, mapped, pd.Series(frame.index + 2, index=frame.index), labels)


def _unpivot(
    main: Mapped, frame: pd.DataFrame, headers: _Headers, unpivot: Unpivot, missing: list
) -> Mapped:
    """Each listed column becomes a row: its `into` value and its cell, in file order."""
    found = {}
    for alias, name in unpivot.columns.items():
        header = headers.find((alias,))
        if header is None:
            missing.append((alias, "preset_missing_read"))
        else:
            found[header] = name
    pieces = []
    for order, (header, name) in enumerate(found.items()):
        piece = main.frame.copy()
        piece[unpivot.into] = name
        piece[unpivot.value] = frame[header].astype(str)
        piece["_header"], piece["_file_row"], piece["_order"] = header, frame.index + 2, order
        pieces.append(piece)
    if not pieces:
        empty = main.frame.assign(**{unpivot.into: "", unpivot.value: ""}).iloc[:0]
        return Mapped(main.kind, empty, pd.Series(dtype=int), main.labels)
    long = pd.concat(pieces).sort_values(["_file_row", "_order"], kind="stable")
    long = long.reset_index(drop=True)
    labels = dict(main.labels)
    labels[unpivot.into] = long["_header"].rename(None)
    labels[unpivot.value] = long["_header"].rename(None)
    file_rows = long["_file_row"].rename(None)
    return Mapped(
        main.kind, long.drop(columns=["_header", "_file_row", "_order"]), file_rows, labels
    )


def coverage(preset: Preset, headers: list[str]) -> tuple[int, int, int]:
    """How well a header fits the preset: (required columns found, required in all, headers used).

    The required columns are those of each kind the preset fills, and the unpivoted columns.
    """
    _, _, missing = apply(preset, pd.DataFrame(columns=headers), None)
    found = _Headers(headers, preset.footnote_digits)
    mappings = (*preset.also, preset.main)
    total = sum(1 for m in mappings for c in m.columns if c in KINDS[m.kind].required)
    total += len(preset.unpivot.columns) if preset.unpivot else 0
    for mapping in mappings:
        for aliases in mapping.columns.values():
            found.find(aliases)
    for alias in preset.unpivot.columns if preset.unpivot else ():
        found.find((alias,))
    return total - len(missing), total, len(found.used)
