"""Every text the import shows, as English message ids (Japanese in locale/ja/.../imports.po).

Kept in one module so a test can check that each has a translation.
"""

from __future__ import annotations

# The file as a whole
FILE_NOT_FOUND = "The file {file} does not exist."
UNSUPPORTED_EXTENSION = "Files of type {extension} cannot be imported; use .csv or .xlsx."
UTF16 = (
    "The file is encoded in UTF-16; save it as CSV in UTF-8 (with or without BOM) "
    "or Shift_JIS (CP932)."
)
UNKNOWN_ENCODING = (
    "The file is neither UTF-8 nor Shift_JIS (CP932) text; save it as CSV in UTF-8 "
    "(with or without BOM) or Shift_JIS (CP932)."
)
BAD_CSV = "The file could not be read as CSV: {detail}"
BAD_XLSX = "The file could not be read as an Excel workbook (.xlsx)."
NO_HEADER = "The file is empty; its first row must hold the column headers."
UNKNOWN_ENTITY = "Unknown import type {entity}; use one of: {choices}."
MAPPING_UNREADABLE = "The mapping file {file} could not be read: {detail}"
MAPPING_SHAPE = "The mapping file {file} must map source column names to field keys."

# Columns
MISSING_COLUMN = "Required column {key} ({label}) is missing."
UNKNOWN_COLUMN = "Not a column of {entity}; use one of: {choices}."
DUPLICATE_COLUMN = "This column and column {other} both give {key}."
UNNAMED_COLUMN = "This column has values but no header."
MAPPING_UNKNOWN_KEY = (
    "The mapping sends this column to {key}, which is not a field of {entity}; "
    "use one of: {choices}."
)

# Cells
REQUIRED = "A value is required."
TOO_LONG = "Too long: at most {maximum} characters."
NOT_INTEGER = "Not a whole number."
NOT_NUMBER = "Not a number."
NOT_AMOUNT = "Not an amount; write it like 50000, 50,000 or ¥50,000."
AT_LEAST = "Must be {minimum} or more."
BETWEEN = "Must be between {minimum} and {maximum}."
DECIMALS = "Too many decimal places for {currency} (at most {digits})."
BAD_CURRENCY = "Not an ISO 4217 currency code (such as JPY or USD)."
BAD_DATE = "Not a date; write it like 2026-04-01 or 2026/4/1."
BAD_DATETIME = (
    "Not a date and time; write it like 2026-04-01 14:30 (times without a zone are in {zone})."
)
BAD_BOOLEAN = "Not yes or no; use true/false, はい/いいえ, 1/0 or ○/×."
BAD_EMAIL = "Not an email address."
BAD_CHOICE = "Not an accepted value; use one of: {choices}."
DUPLICATE_ID = "The external ID {value} is also in row {other_row}; each row needs its own."
UNKNOWN_ACCOUNT = "No account has the external ID {value}; import the accounts first."
UNKNOWN_CONTACT = "No contact has the external ID {value}; import the contacts first."
UNKNOWN_USER = "No team user has the email {value}; add the user first."
CONTACT_OTHER_ACCOUNT = "Contact {value} belongs to account {actual}, not to {expected}."
BEFORE = "Must not be before {other} ({other_value})."
AFTER = "Must not be after {other} ({other_value})."
IN_FUTURE = "In the future: at most {minutes} minutes ahead of now are accepted."

# Outcome
FAILED = "Problems found in {file}: {count}. Nothing was imported."
SUMMARY = "{file}: {rows} rows; {created} created, {updated} updated, {unchanged} unchanged."
DRY_RUN_SUMMARY = (
    "Dry run, nothing written. {file}: {rows} rows; {created} would be created, "
    "{updated} updated, {unchanged} unchanged."
)
MORE_ISSUES = "{count} more problems are not shown."
HEADER_FILE = "File"
HEADER_ROW = "Row"
HEADER_COLUMN = "Column"
HEADER_VALUE = "Value"
HEADER_REASON = "Reason"
