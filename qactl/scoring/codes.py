"""Every code a scored file's ``errors`` can carry: what was wrong with one cell.

A finding is ``{"cell", "column", "item", "value", "code", "message"}`` (:class:`qactl.results.ErrorRecord`). The
message is for a person and may be reworded; the code is for scripts and the report, and never changes meaning.
The table of codes in ``docs/score.md`` is this catalogue (a test holds them together): a code added here is
added there.

A ``StrEnum``, so a code is the plain string it always was (``FindingCode.BLANK == "blank"``) in JSON, CSV and
the workbook.
"""

from __future__ import annotations

from enum import StrEnum


class FindingCode(StrEnum):
    """The code of a finding in one cell; ``.meaning`` is its row in the table of docs/score.md."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> FindingCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # answers to a question
    BLANK = "blank", "a required field, or a question that applies to this audit, has no answer"
    UNKNOWN_ANSWER = (
        "unknown_answer",
        "the answer is none of the question's answers (the nearest one is suggested)",
    )
    NA_NOT_ALLOWED = "na_not_allowed", "N/A was given to a question that does not allow it"
    NA_MIXED = "na_mixed", "N/A was chosen together with other answers to a question that takes several"
    # fields
    BAD_INTEGER = "bad_integer", "a whole-number field holds something else"
    BAD_NHS_NUMBER = "bad_nhs_number", "an NHS number field does not hold 10 digits"
    NHS_CHECK_DIGIT = (
        "nhs_check_digit",
        "an NHS number's check digit is wrong (Modulus 11): a digit is mistyped",
    )
    BAD_UPN = "bad_upn", "a UPN field does not hold a letter and 12 characters"
    UPN_CHECK_LETTER = (
        "upn_check_letter",
        "a UPN's check letter does not match its digits: a character is mistyped",
    )
    # dates
    BAD_DATE = "bad_date", "a date, milestone or Forms time cell is not a date read day first"
    NUMBER_NOT_DATE = (
        "number_not_date",
        "a date cell holds a bare number, not a date (it is not read as an Excel serial)",
    )
    FUTURE_AUDIT_DATE = "future_audit_date", "the audit date (or Forms' completion time) is after today"
    DOB_IN_FUTURE = "dob_in_future", "the date of birth is after today"
    DOB_AFTER_AUDIT = "dob_after_audit", "the date of birth is after the audit date"
    # the cell itself
    EXCEL_ERROR = "excel_error", "the cell holds an Excel error value (#N/A, #REF!…): a formula that failed"
    UNCALCULATED_FORMULA = (
        "uncalculated_formula",
        "the cell holds a formula Excel never calculated, so no value",
    )
