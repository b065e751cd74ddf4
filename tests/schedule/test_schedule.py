"""`qactl schedule`: recurrence rules, the Wolverhampton calendar, validation and the iCalendar file."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from qactl.errors import ConfigError
from qactl.schedule import Calendar, Occurrence, calendar_for, load_schedule, to_ics

ROOT = Path(__file__).resolve().parents[2]
WOLVES = ROOT / "schedules" / "wolverhampton.yaml"


def _qactl(*args, cwd=None):
    from inprocess import qactl

    return qactl(*args, cwd=cwd, env={"COLUMNS": "200"})


def test_wolverhampton_school_year_2025_26():
    cal = calendar_for([WOLVES], date(2025, 9, 1), date(2026, 8, 31))
    by = {}
    for o in cal.occurrences:
        by.setdefault(o.activity, []).append(o.date)
    # three EHCP audit rounds: October, March, June (framework section 10)
    assert [d.month for d in by["ehcp_quality_audit"]] == [10, 3, 6]
    # monthly health advice audits: one in each of the 12 months
    assert len(by["health_advice_audit"]) == 12
    assert sorted({(d.year, d.month) for d in by["health_advice_audit"]}) == [
        (2025, m) for m in range(9, 13)
    ] + [(2026, m) for m in range(1, 9)]
    # 1 January 2026 is a bank holiday: the audit moves to Friday 2 January
    assert date(2026, 1, 2) in by["health_advice_audit"]
    # termly EPS audits: once in each of the three terms of 2025/26, two weeks before each term ends
    assert by["eps_advice_audit"] == [date(2025, 12, 5), date(2026, 3, 13), date(2026, 7, 8)]
    # moderation sessions follow each round; the timetable's 13 October 2025 allocation is listed
    assert len(by["moderation_session"]) == 3
    assert by["ehcp_audit_allocation"] == [date(2025, 10, 13)]
    assert all(o.date.weekday() < 5 for o in cal.occurrences)
    assert [o.date for o in cal.occurrences] == sorted(o.date for o in cal.occurrences)
    assert any("typical dates" in n for n in cal.notes)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


TERMS = """\
terms:
  years:
    - year: 2025/26
      autumn: {start: 2025-09-03, end: 2025-12-19, half_term: {start: 2025-10-27, end: 2025-10-31}}
      spring: {start: 2026-01-05, end: 2026-03-27, half_term: {start: 2026-02-16, end: 2026-02-20}}
      summer: {start: 2026-04-13, end: 2026-07-22, half_term: {start: 2026-05-25, end: 2026-05-29}}
bank_holidays: [2026-05-25]
"""


def test_half_termly_after_from_until_and_every_two_months(tmp_path):
    p = write(
        tmp_path,
        "title: t\n"
        + TERMS
        + """\
activities:
  - {id: ht, what: Half-termly check, when: {every: half_term, at: start}}
  - {id: hte, what: Half-term end, when: {every: half_term, at: end, working_days: false}}
  - {id: follow, what: Follow-up, when: {after: ht, days: 2}}
  - {id: bimonthly, what: QA meeting, when: {every: month, interval: 2, day: last, from: 2025-11-01, until: 2026-05-31}}
  - {id: annual, what: Survey, when: {every: year, months: [Sept], day: 31}}
""",
    )
    cal = calendar_for([p], date(2025, 9, 1), date(2026, 8, 31))
    by = {}
    for o in cal.occurrences:
        by.setdefault(o.activity, []).append(o.date)
    assert by["ht"] == [
        date(2025, 9, 3),
        date(2025, 11, 3),
        date(2026, 1, 5),
        date(2026, 2, 23),
        date(2026, 4, 13),
        date(2026, 6, 1),
    ]
    assert by["hte"] == [
        date(2025, 10, 26),
        date(2025, 12, 19),
        date(2026, 2, 15),
        date(2026, 3, 27),
        date(2026, 5, 24),
        date(2026, 7, 22),
    ]
    assert by["follow"] == [
        date(2025, 9, 5),
        date(2025, 11, 5),
        date(2026, 1, 7),
        date(2026, 2, 25),
        date(2026, 4, 15),
        date(2026, 6, 3),
    ]
    # every two months from January: the last working days of Nov, Jan, Mar, May (within from/until)
    assert by["bimonthly"] == [date(2025, 11, 28), date(2026, 1, 30), date(2026, 3, 31), date(2026, 5, 29)]
    assert by["annual"] == [date(2025, 9, 30)]  # day 31 in a 30-day month: the month's last day


def test_outside_the_term_dates_is_said(tmp_path):
    p = write(
        tmp_path, "title: t\n" + TERMS + "activities:\n  - {id: t1, what: Termly, when: {every: term}}\n"
    )
    cal = calendar_for([p], date(2026, 9, 1), date(2026, 12, 31))
    assert cal.occurrences == []
    assert any("term dates from 03/09/2025 to 22/07/2026 only" in n for n in cal.notes)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "activities:\n  - {id: a, what: A, when: {evry: month}}\n",
            "s.yaml:4:",
            "unknown key `evry` (did you mean `every`?)",
        ),
        (
            "activities:\n  - id: a\n    what: A\n    when: {every: year, months: [octobr]}\n",
            "s.yaml:6:33",
            "'octobr' is not a month (did you mean 'october'?)",
        ),
        (
            "activities:\n  - {id: a, what: A, when: {after: moderaton}}\n  - {id: moderation, what: M, when: {every: month}}\n",
            "s.yaml:4:",
            "follows 'moderaton', which is not an activity (did you mean `moderation`?)",
        ),
        ("activities:\n  - {id: a, what: A, when: {every: year}}\n", "s.yaml:4:", "needs `months`"),
        ("activities:\n  - {id: a, what: A, when: {every: term}}\n", "s.yaml:", "has no `terms:`"),
    ],
)
def test_schedule_errors_are_located(tmp_path, text, where, message):
    p = write(tmp_path, "title: t\nbank_holidays: []\n" + text)
    with pytest.raises(ConfigError) as e:
        load_schedule(p)
    assert where in str(e.value) and message in str(e.value), str(e.value)


# ---------------------------------------------------------------- iCalendar


def parse_ics(data: bytes) -> list[dict]:
    """A small independent reader: CRLF lines, unfolding, BEGIN/END balance, properties per component."""
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF, no bare LF
    raw = text.split("\r\n")
    assert raw[-1] == ""
    for line in raw[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw[:-1]:
        if line.startswith((" ", "\t")):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack, comps = [], []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append({"_type": value})
        elif name == "END":
            comp = stack.pop()
            assert comp["_type"] == value, f"END:{value} closes BEGIN:{comp['_type']}"
            comps.append(comp)
        else:
            stack[-1][name] = value
    assert stack == []
    return comps


def unescape(v: str) -> str:
    out, i = "", 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out += {"n": "\n", "N": "\n"}.get(v[i + 1], v[i + 1])
            i += 2
        else:
            out += v[i]
            i += 1
    return out


def test_ics_is_rfc5545_and_uids_are_stable(tmp_path):
    out1, out2 = tmp_path / "a.ics", tmp_path / "b.ics"
    r = _qactl(
        "schedule", "--from", "2025-09-01", "--to", "2026-08-31", "--file", str(WOLVES), "--ics", str(out1)
    )
    assert r.returncode == 0, r.stderr
    r = _qactl(
        "schedule", "--from", "01/10/2025", "--to", "31/08/2026", "--file", str(WOLVES), "--ics", str(out2)
    )
    assert r.returncode == 0, r.stderr
    comps1, comps2 = parse_ics(out1.read_bytes()), parse_ics(out2.read_bytes())
    cal = next(c for c in comps1 if c["_type"] == "VCALENDAR")
    assert cal["VERSION"] == "2.0" and cal["PRODID"].startswith("-//qactl//")
    events = [c for c in comps1 if c["_type"] == "VEVENT"]
    assert len(events) == len(calendar_for([WOLVES], date(2025, 9, 1), date(2026, 8, 31)).occurrences)
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(e)
        assert e["DTSTAMP"].endswith("Z")
        assert e["UID"].startswith(e["UID"].split("-")[0]) and e["DTSTART;VALUE=DATE"] in e["UID"]
    uids1 = [e["UID"] for e in events]
    assert len(set(uids1)) == len(uids1)
    uids2 = {c["UID"] for c in comps2 if c["_type"] == "VEVENT"}
    # the second export (a later start) is a subset with the very same UIDs: re-importing updates, never duplicates
    assert uids2 == {e["UID"] for e in events if e["DTSTART;VALUE=DATE"] >= "20251001"}
    march = [e for e in events if e["UID"] == "ehcp_quality_audit-20260302@qactl"]
    assert march and unescape(march[0]["SUMMARY"]) == "Quality of EHCP audits (round opens)"
    assert "Outcome: Findings are reported to the CYP Performance Meeting" in unescape(
        march[0]["DESCRIPTION"]
    )


def test_ics_escapes_and_folds_long_unicode_text():
    o = Occurrence(
        date(2026, 3, 2),
        "x",
        "Audit, review; check \\ plan",
        "Ann",
        "Line one\nLine two — " + "é" * 80,
        "monthly",
        "f",
    )
    text = to_ics(
        Calendar(date(2026, 1, 1), date(2026, 12, 31), [o], [], [], []),
        stamp=datetime(2026, 1, 1, 9, tzinfo=UTC),
    )
    ev = next(c for c in parse_ics(text.encode("utf-8")) if c["_type"] == "VEVENT")
    assert ev["SUMMARY"] == "Audit\\, review\\; check \\\\ plan"
    assert unescape(ev["SUMMARY"]) == "Audit, review; check \\ plan"
    assert unescape(ev["DESCRIPTION"]).endswith("Outcome: Line one\nLine two — " + "é" * 80)
    assert ev["DTSTAMP"] == "20260101T090000Z"


def test_cli_bad_input(tmp_path):
    r = _qactl("schedule", "--from", "2025-09-01", "--to", "2025-08-01", "--file", str(WOLVES))
    assert r.returncode == 2 and "before --from" in r.stderr
    bad = write(tmp_path, "title: t\nactivities:\n  - {id: a, what: A, when: {evry: month}}\n")
    out = tmp_path / "cal.ics"
    r = _qactl("schedule", "--file", str(bad), "--ics", str(out))
    assert (
        r.returncode == 2
        and "s.yaml:3:" in r.stderr
        and "did you mean `every`" in r.stderr
        and not out.exists()
    )
    r = _qactl(
        "schedule", cwd=tmp_path
    )  # no ./schedules here: the built-in schedule; default window today + 90 days
    assert r.returncode == 0, r.stderr
    counts = Counter(line.count("Audit of health advice") for line in r.stdout.splitlines())
    assert counts[1] >= 3  # monthly: three or four in 90 days
