"""Why an import file was refused, as reason codes the pages translate.

Every reason a file is refused for has a code here and an English text, which the command
line, the API and the import log show. The data page shows the same reason in the visitor's
language: ui/locales/data.toml has `data.reason.<code>` in Finnish, Swedish and English
(tests/test_imports.py checks that every code has all three, with the same placeholders).
"""

from __future__ import annotations

_SPLIT = (
    "Split the file into smaller files, for example one survey round or one part of the "
    "organisation per file"
)
_DECLARED = (
    "If the data is smaller, delete the empty rows and columns after it, or save the sheet as CSV"
)
REASONS = {
    # a cell that does not parse as its column's type (metrics.contract.Column.type)
    "not_whole_number": "not a whole number",
    "not_number": "not a number",
    "not_percentage": "not a percentage (write 80, 80 % or 80%)",
    "not_date": "not a date (write 2019-04-30 or 30.4.2019)",
    "not_bool": "not true or false",
    "not_choice": "must be one of {choices}",
    "required_value": "a value is required",
    "too_long": "longer than {limit} characters",
    "below": "below {limit}",
    "above": "above {limit}",
    "future_date": "the date is in the future",
    "duplicate_key": "the same {key} is also on row {row}",
    "no_rows": "the file has a header but no rows",
    # a reference to something that does not exist (validation._must_exist names `what`)
    "no_such.organisation": "no such organisation",
    "no_such.parent_unit": "no such parent unit",
    "no_such.unit": "no such unit",
    "no_such.team": "no such team",
    "no_such.idea": "no such idea",
    "no_such.survey_round": "no such survey round",
    "no_such.survey_item": "no such survey item",
    "no_such.project": "no such project",
    "no_such.indicator": "no such indicator among the survey items",
    "no_such.practice": "no such practice",
    "no_such.campaign": "no such campaign",
    "no_such_unit_named": "no such unit: {unit}",
    # the kinds' own rules (metrics.validation._rules_<kind>)
    "one_home": "only one organisation can be the home organisation",
    "keep_home": "this is the home organisation; write true in its home column",
    "supervisors_over_headcount": "more supervisors than headcount",
    "parent_loop": "the parent chain loops back to this unit",
    "before_submitted": "before the idea was submitted",
    "merged_needs_target": "a merged idea must name the idea it was merged into",
    "merged_into_itself": "an idea cannot be merged into itself",
    "closes_before_opens": "the round closes before it opens",
    "not_an_item": "not an item in the survey catalogue (survey_items)",
    "answer_range": "an answer must be a whole number from 1 to {scale_max}, or empty",
    "needs_favourable_or_mean": "a favourable_pct or a mean column is required",
    "unit_or_org": "give exactly one of unit_id and org_id",
    "item_or_indicator": "give exactly one of item_id and indicator",
    "team_ends_before_start": "the team ends before it starts",
    "due_before_start": "the due date is before the start",
    "done_before_start": "done before it started",
    "supervisors_over_participants": "more supervisors than participants",
    "not_email": "not an e-mail address",
    "role_needs_units": "the role {role} needs at least one unit (unit ids separated by ';')",
    "role_sees_all": "the role {role} sees every unit: leave units empty",
    "no_admin": "the file replaces the role table and names no admin: nobody could load files",
    "item_of_other_indicator": "the item belongs to another indicator",
    "due_before_created": "the due date is before the action was created",
    "campaign_closes_before_opens": "the campaign closes before it opens",
    # the header (metrics.import_check)
    "duplicate_column": "the column appears more than once in the header",
    "missing_column": "required column is missing",
    "missing_round_column": "required column is missing (or give the survey round with --round)",
    "preset_missing_column": "required column is missing (preset {preset})",
    "preset_missing_read": "a column this preset reads is missing (preset {preset})",
    "give_round": "give the survey round (--round, or Survey round on the data page)",
    # the file itself (metrics.import_read)
    "old_xls": "an old Excel file (.xls); save it as .xlsx or as CSV",
    "empty_file": "the file is empty",
    "binary_file": "this is not a text CSV file (it contains binary data); save it as CSV or XLSX",
    "cell_count": "the row has {saw} cells but the header has {expected}; a cell may hold the "
    "separator {separator} without quotes around it",
    "unreadable_csv": "unreadable CSV: {error}",
    "not_workbook": "not a readable XLSX workbook",
    "not_workbook_because": "not a readable XLSX workbook ({error})",
    "sheet_empty": "the sheet {sheet} is empty",
    "no_such_sheet": "no sheet named {sheet}; the sheets are {sheets}",
    "sheet_is_chart": "the sheet {sheet} is a chart, not a table",
    "file_too_large": "the file is {mb} MB; Pöhinä loads files of up to {limit} MB "
    "(imports.max_file_mb in data/settings.toml). Split it into smaller files, for example one "
    "survey round or one part of the organisation per file",
    "unpacks_too_large": "the workbook unpacks to {mb} MB; Pöhinä opens workbooks of up to "
    "{limit} MB unpacked (imports.max_unpacked_mb in data/settings.toml). Save the sheet as CSV, "
    "or split the file",
    "too_many_elements": "the workbook's shared strings and styles hold {count} XML elements; "
    "Pöhinä opens workbooks of up to {limit}. Save the sheet as CSV",
    # a file or sheet past imports.max_rows, max_columns or max_cells (import_read._over_limits):
    # the file as counted, a sheet as it declares its size, a sheet as its rows are read
    "too_many.file.max_rows": "the file has {count} rows; Pöhinä reads at most {limit} "
    "(imports.max_rows in data/settings.toml). " + _SPLIT,
    "too_many.file.max_columns": "the file has {count} columns; Pöhinä reads at most {limit} "
    "(imports.max_columns in data/settings.toml). " + _SPLIT,
    "too_many.file.max_cells": "the file has {rows} rows × {columns} columns, {count} cells; "
    "Pöhinä reads at most {limit} (imports.max_cells in data/settings.toml). " + _SPLIT,
    "too_many.declared.max_rows": "the sheet {sheet} says it has {count} rows; Pöhinä reads at "
    "most {limit} (imports.max_rows in data/settings.toml). " + _DECLARED,
    "too_many.declared.max_columns": "the sheet {sheet} says it has {count} columns; Pöhinä "
    "reads at most {limit} (imports.max_columns in data/settings.toml). " + _DECLARED,
    "too_many.declared.max_cells": "the sheet {sheet} says it has {rows} rows × {columns} "
    "columns, {count} cells; Pöhinä reads at most {limit} (imports.max_cells in "
    "data/settings.toml). " + _DECLARED,
    "too_many.sheet.max_rows": "the sheet {sheet} has at least {count} rows; Pöhinä reads at "
    "most {limit} (imports.max_rows in data/settings.toml). " + _SPLIT,
    "too_many.sheet.max_columns": "the sheet {sheet} has at least {count} columns; Pöhinä reads "
    "at most {limit} (imports.max_columns in data/settings.toml). " + _SPLIT,
    "too_many.sheet.max_cells": "the sheet {sheet} has at least {count} cells; Pöhinä reads at "
    "most {limit} (imports.max_cells in data/settings.toml). " + _SPLIT,
    # a survey round's answers loaded before (metrics.import_rounds)
    "round_loaded": "the survey round already has other answers (first loaded {first}); a "
    "round's answers are loaded once, from one file, and a closed round is frozen as published. "
    "To correct it, load the whole round again with --replace-round (replace_round=True) by "
    "{closes} (survey.correction_window_days: {days} days from its first load)",
    "round_frozen": "the survey round already has other answers (first loaded {first}) and "
    "cannot be replaced, not even with --replace-round (replace_round=True): its correction "
    "window (survey.correction_window_days: {days} days from its first load) has closed; a "
    "closed round is frozen as published",
    "round_first_load_unknown": "before Pöhinä recorded first loads",
    # notes on a file that loads: what was left aside
    "unknown_column": "unknown column {column} ignored",
    "first_sheet_read": "the workbook has {count} sheets; the first, {sheet}, was read (choose "
    "another with --sheet, or on the data page)",
    "preset_ignored": "{count} column(s) the preset does not use were ignored: {columns}",
    # saving a file that was checked (metrics.imports) and the API's upload (api.py)
    "changed_since_check": "the data in Pöhinä changed after this file was checked; check it again",
    "request_too_large": "the request is {mb} MB; Pöhinä loads files of up to {limit} MB "
    "(imports.max_file_mb in data/settings.toml)",
}


class Reason(str):
    """A refusal's reason: a string (its English text, as before) that also carries its `code`
    and the `values` that fill it in, so a page can say it in the visitor's language.

    Numbers in `values` stay numbers (the English text writes them as 1,234; a page formats them
    in its language)."""

    code: str
    values: dict

    def __new__(cls, code: str, **values) -> Reason:
        if code not in REASONS:
            raise KeyError(
                f"unknown refusal reason {code!r}: add it to metrics/import_reasons.REASONS and "
                f"data.reason.{code} to ui/locales/data.toml"
            )
        english = {k: _english(v) for k, v in values.items()}
        text = super().__new__(cls, REASONS[code].format(**english))
        text.code, text.values = code, values
        return text

    def __reduce__(self):  # pickled (st.cache_data, session state) as code and values
        return _rebuild, (self.code, self.values)


def _english(value) -> str:
    """A number as the English text writes it (1,234 and 0.5); anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _rebuild(code: str, values: dict) -> Reason:
    return Reason(code, **values)
