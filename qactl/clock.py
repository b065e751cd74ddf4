"""The one clock every command reads: ``SOURCE_DATE_EPOCH`` when set, else the system's.

Every time or date a command writes into an output (a report's "generated", a scored file's ``created``,
an allocation's default due date, a calendar's ``DTSTAMP``) comes from here, so a run with
``SOURCE_DATE_EPOCH`` set gives the same bytes every time (https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

EPOCH_ENV = "SOURCE_DATE_EPOCH"


def _epoch() -> int | None:
    value = os.environ.get(EPOCH_ENV, "").strip()
    return int(value) if value.isdigit() else None


def now() -> datetime:
    """The current time in UTC, to the second (``SOURCE_DATE_EPOCH`` when set)."""
    epoch = _epoch()
    moment = datetime.fromtimestamp(epoch, UTC) if epoch is not None else datetime.now(UTC)
    return moment.replace(microsecond=0)


def today() -> date:
    """Today's date: the UTC day of ``SOURCE_DATE_EPOCH`` when set, else the local calendar day."""
    epoch = _epoch()
    return datetime.fromtimestamp(epoch, UTC).date() if epoch is not None else date.today()
