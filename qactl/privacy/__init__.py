"""Privacy: keys and pseudonymous refs (:mod:`qactl.privacy.refs`) and the one redaction policy (:mod:`qactl.privacy.redact`).

The policy the code enforces (README, "Privacy"): fields marked ``pii`` leave no output without ``--include-pii``;
comments in scored outputs are redacted of the audit's own child (``redact``); a personal value in an error record is
masked (``mask``); no report prints free text from a spreadsheet verbatim.
"""

from qactl.privacy.redact import (
    DATE_OF_BIRTH,
    NAME,
    NHS_NUMBER,
    NOTHING,
    PLACEHOLDERS,
    UPN,
    Known,
    Redactor,
    fold,
    mask,
    mask_message,
    redact,
    redactor,
)
from qactl.privacy.refs import KEY_ENV, REF_LENGTH, key_file, load_key, make_ref, normalise

__all__ = [
    "DATE_OF_BIRTH",
    "KEY_ENV",
    "NAME",
    "NHS_NUMBER",
    "NOTHING",
    "PLACEHOLDERS",
    "REF_LENGTH",
    "UPN",
    "Known",
    "Redactor",
    "fold",
    "key_file",
    "load_key",
    "make_ref",
    "mask",
    "mask_message",
    "normalise",
    "redact",
    "redactor",
]
