"""`qactl rubrics validate`: every rule of the rubric language names the file, the line and what to do.

Each case breaks one line of a valid rubric (conftest.GOOD) and checks the exit status (2), the message,
and that it points at the broken line, with no traceback.
"""

from __future__ import annotations

import pytest

# A valid rubric; each validation test breaks one line of it. Line numbers matter: tests find them by text.
GOOD = """\
id: mini
title: A small rubric
version: "1"
source: tests
scales:
  inclusion:
    choices:
      - {label: Fully, points: 2}
      - {label: Partially, points: 1}
      - {label: Not included, points: 0}
identify: [child_name, dob]
fields:
  - {id: child_name, text: Name of child, pii: true, role: child_name}
  - {id: dob, text: Date of birth, type: date, pii: true, role: dob}
  - {id: auditor, text: Person completing audit, role: auditor}
items:
  - id: formulation
    section: Formulation
    text: A brief formulation is included
    scale: inclusion
  - id: smart
    section: Outcomes
    text: Outcomes are SMART
    scale: inclusion
  - id: pfa
    section: Outcomes
    text: For children 14yrs+ the outcomes relate to preparing for adulthood
    scale: inclusion
    applies_if: {field: dob, age_at_least: 14}
grading:
  bands:
    - {grade: Outstanding, min: 90}
    - {grade: Good, min: 70}
    - {grade: Requires improvement, min: 50}
    - {grade: Inadequate, min: 0}
  limits:
    - {if: {item: smart, answer: Not included}, max_grade: Requires improvement}
"""


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing ``fragment``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) >= nth, f"{fragment!r} not in the rubric text"
    return hits[nth - 1]


def _validate(runner, app, path):
    result = runner.invoke(app, ["rubrics", "validate", str(path)])
    return result, result.output


def test_the_valid_rubric_is_ok(runner, app, write):
    path = write(GOOD)
    result, out = _validate(runner, app, path)
    assert result.exit_code == 0, out
    assert f"{path}: ok (mini 1, 3 items, 0 milestones)" in out


# (case, change (old, new), the text on the line the error must point at, the message expected)
CASES = [
    (
        "unknown key, with did-you-mean",
        ("    scale: inclusion\n  - id: smart", "    scael: inclusion\n  - id: smart"),
        "scael: inclusion",
        "unknown key `scael` (did you mean `scale`?)",
    ),
    ("missing key", ("title: A small rubric\n", ""), "id: mini", "missing the required key `title`"),
    (
        "unknown scale",
        (
            "    text: Outcomes are SMART\n    scale: inclusion",
            "    text: Outcomes are SMART\n    scale: inclusio",
        ),
        ("scale: inclusio", 2),  # the first hit is line 20's "scale: inclusion"
        "item 'smart' uses the scale 'inclusio', which is not defined (did you mean 'inclusion'?)",
    ),
    (
        "unknown field in a condition",
        ("{field: dob, age", "{field: dobb, age"),
        "field: dobb",
        "item 'pfa': the condition names the field 'dobb', which is not defined (did you mean 'dob'?)",
    ),
    (
        "unknown item in a limit",
        ("{item: smart,", "{item: smrt,"),
        "item: smrt",
        "the condition names the item 'smrt', which is not defined (did you mean 'smart'?)",
    ),
    (
        "unknown field in identify",
        ("identify: [child_name, dob]", "identify: [child_nme, dob]"),
        "identify: [child_nme",
        "identify names 'child_nme', which is not a field (did you mean 'child_name'?)",
    ),
    (
        "duplicate ids",
        ("  - id: pfa\n", "  - id: formulation\n"),
        ("- id: formulation", 2),
        "duplicate id 'formulation': used by an item and an item",
    ),
    (
        "two columns that read the same",
        (
            "    text: Outcomes are SMART\n",
            '    text: "Outcomes are SMART."\n    aliases: [A brief formulation is included]\n',
        ),
        "aliases: [A brief formulation is included]",
        "item 'smart': the header 'A brief formulation is included' reads the same as a header of 'formulation', so a column would match both",
    ),
    (
        "bands out of order",
        (
            "    - {grade: Outstanding, min: 90}\n    - {grade: Good, min: 70}\n",
            "    - {grade: Good, min: 70}\n    - {grade: Outstanding, min: 90}\n",
        ),
        "{grade: Good, min: 70}",
        "bands must go from the highest min to the lowest, each different; found [70.0, 90.0, 50.0, 0.0]",
    ),
    (
        "an age condition on a field that is not a date",
        ("{field: dob, age", "{field: auditor, age"),
        "field: auditor, age",
        "item 'pfa': age_at_least/age_below need a date field, but 'auditor' is of type text",
    ),
    (
        "a limit naming an unknown grade",
        ("max_grade: Requires improvement}", "max_grade: Requires Improvment}"),
        "max_grade: Requires Improvment",
        "a limit caps at 'Requires Improvment', which is not one of the grades",
    ),
    (
        "a condition testing an answer the scale lacks",
        ("answer: Not included}", "answer: Not inclded}"),
        "answer: Not inclded",
        "the condition on 'smart' tests the answer 'Not inclded', which its scale 'inclusion' does not have",
    ),
    (
        "N/A allowed on a scale without an N/A label",
        ("    scale: inclusion\n  - id: smart", "    scale: inclusion\n    allow_na: true\n  - id: smart"),
        ("scale: inclusion", 1),
        "item 'formulation' allows N/A but its scale 'inclusion' has no na label",
    ),
    (
        "invalid YAML",
        ("  - id: smart\n", "  - id: smart\n   bad: [\n"),
        "bad: [",
        "not valid YAML",
    ),
    (
        "a duplicate key",
        ('version: "1"\n', 'version: "1"\nversion: "2"\n'),
        'version: "2"',
        'not valid YAML: while constructing a mapping found duplicate key "version"',
    ),
    (
        "a rubric id with a space (hyphens are allowed in rubric ids)",
        ("id: mini\n", "id: my audit\n"),
        "id: my audit",
        "`id` must be lower case (letters, digits, _ and -), found 'my audit'",
    ),
    (
        "an id that is not lower case",
        ("  - id: pfa\n", "  - id: PfA\n"),
        "id: PfA",
        "`id` must be lower_snake_case (letters, digits, _), found 'PfA'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_rule_names_file_line_and_problem(runner, app, write, case):
    _name, (old, new), where, message = case
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = write(text)
    result, out = _validate(runner, app, path)
    assert result.exit_code == 2, out
    frag, nth = where if isinstance(where, tuple) else (where.rstrip("\n"), 1)
    line = line_of(text, frag, nth)
    problem_lines = [ln.strip() for ln in out.splitlines() if ln.strip().startswith(f"{path}:")]
    hit = [ln for ln in problem_lines if message in ln]
    assert hit, f"{message!r} not in:\n{out}"
    assert hit[0].startswith(f"{path}:{line}:"), f"expected line {line}: {hit[0]}"
    assert out.startswith("Error: ")
    assert "Traceback" not in out
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_every_problem_is_listed_not_only_the_first(runner, app, write):
    text = GOOD.replace("{item: smart,", "{item: smrt,").replace(
        "identify: [child_name, dob]", "identify: [child_nme, dob]"
    )
    path = write(text)
    result, out = _validate(runner, app, path)
    assert result.exit_code == 2
    assert out.startswith("Error: 2 problems in the rubric:")
    assert f"{path}:{line_of(text, 'item: smrt')}:" in out
    assert f"{path}:{line_of(text, 'child_nme')}:" in out


def test_a_bad_file_among_good_ones_fails_the_run_but_all_are_checked(runner, app, write):
    good = write(GOOD, "good.yaml")
    bad = write(GOOD.replace("scale: inclusion", "scale: nope", 1), "bad.yaml")
    result = runner.invoke(app, ["rubrics", "validate", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"{good}: ok" in result.output
    assert f"{bad}:" in result.output and "'nope'" in result.output


def test_a_missing_file(runner, app, tmp_path):
    result = runner.invoke(app, ["rubrics", "validate", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'absent.yaml'}: no such file" in result.output


def test_a_yaml_list_is_not_a_rubric(runner, app, write):
    path = write("- id: mini\n- title: x\n")
    result = runner.invoke(app, ["rubrics", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:1:1: a rubric is a YAML mapping" in result.output


# A valid rubric with dates: kinds, citations, exceptions scoped per limit, a reason per date, outcomes, a due rule
# with alternatives and a cap, and a limit on statutory breaches. Each case below breaks one line of it.
TIMED = """\
id: timed
title: Dates and limits
version: "1"
source: tests
identify: [child_name]
fields:
  - {id: child_name, text: Name of child, pii: true, role: child_name}
  - {id: received, text: Date received, type: date}
  - {id: transfer_date, text: Date of transfer, type: date}
  - {id: year_group, text: Year group, type: integer}
  - {id: transfer, text: Kind of transfer, choices: [School, Post-16]}
  - {id: outcome, text: Outcome, choices: [Going ahead, Not assessed]}
  - {id: reason, text: Reason for any variance, role: reason, legacy: true}
  - {id: decision_reason, text: "Decision: reason", role: reason}
  - {id: kpi, text: Was it on time}
milestones:
  - id: decision
    text: Decision date
    kind: statutory
    citation: SEND Regulations 2014 reg 5(1)
    due: {from: received, weeks: 6}
    excused_by: {closed: reg 5(4)(a), away: reg 5(4)(c)}
    reason: decision_reason
    on_time_field: kpi
  - id: advice
    text: Advice date
    kind: target
    due: {from: received, weeks: 12}
  - id: final
    text: Final date
    kind: statutory
    citation: SEND Regulations 2014 reg 13(2)
    due: {from: decision, weeks: 14, at_latest: {from: received, weeks: 20}}
    excused_by: [closed, away]
  - id: transfer_amended
    text: Transfer amended date
    kind: statutory
    citation: SEND Regulations 2014 reg 18
    due:
      - {when: {field: transfer, equals: Post-16}, date: 31 March, year: transfer_date, before: true}
      - {from: transfer_date, months: -5}
outcomes:
  field: outcome
  ends:
    - {answer: Not assessed, at: decision, not_applicable: [advice, final]}
exceptions:
  field: reason
  reasons:
    - {id: closed, label: School closed for 4 weeks or more}
    - {id: away, label: Absent from the area for 4 weeks or more, aliases: [Away from the area]}
grading:
  method: compliance
  section_weights: {Statutory time limits: 2}
  bands:
    - {grade: Outstanding, min: 90}
    - {grade: Good, min: 70}
    - {grade: Requires Improvement, min: 50}
    - {grade: Inadequate, min: 0}
  limits:
    - {if: {breach: statutory}, max_grade: Requires Improvement}
    - {if: {milestone: final, in: [late, missing]}, max_grade: Inadequate}
"""

TIMED_CASES = [
    (
        "a milestone with no kind",
        ("    kind: target\n", ""),
        "id: advice",
        "milestone 'advice': say which kind of time limit it is: `kind: statutory` (set by law; cite the regulation in `citation:`) or `kind: target` (a local target)",
    ),
    (
        "a statutory milestone that cites no regulation",
        ("    citation: SEND Regulations 2014 reg 13(2)\n", ""),
        "id: final",
        "milestone 'final' is statutory: cite the regulation in `citation:`",
    ),
    (
        "a local target with exceptions",
        (
            "    due: {from: received, weeks: 12}\n",
            "    due: {from: received, weeks: 12}\n    excused_by: [closed]\n",
        ),
        "id: advice",
        "milestone 'advice' is a local target: no exception excuses it, so it takes no `excused_by`",
    ),
    (
        "an exception that is not a reason",
        ("excused_by: [closed, away]", "excused_by: [closed, awy]"),
        "excused_by: [closed, awy]",
        "milestone 'final' is excused by 'awy', but it is not one of the reasons (did you mean 'away'?)",
    ),
    (
        "a reason field that is not a field",
        ("    reason: decision_reason\n", "    reason: decision_reasn\n"),
        "reason: decision_reasn",
        "milestone 'decision': its `reason` field 'decision_reasn' is not a field (did you mean 'decision_reason'?)",
    ),
    (
        "a reason field that is not text",
        ("    reason: decision_reason\n", "    reason: received\n"),
        "reason: received",
        "milestone 'decision': its `reason` field 'received' is of type date; it holds text",
    ),
    (
        "the audit's one reason field as a milestone's own",
        ("    reason: decision_reason\n", "    reason: reason\n"),
        "    reason: reason",
        "milestone 'decision': its `reason` field 'reason' is the audit's one reason field (exceptions.field), not one milestone's",
    ),
    (
        "an on-time answer that is not a field",
        ("    on_time_field: kpi\n", "    on_time_field: kpii\n"),
        "on_time_field: kpii",
        "milestone 'decision': its `on_time_field` field 'kpii' is not a field (did you mean 'kpi'?)",
    ),
    (
        "a due date with both a start and a fixed date",
        ("due: {from: received, weeks: 6}", "due: {from: received, weeks: 6, date: 15 February}"),
        "due: {from: received, weeks: 6, date",
        "a due date counts either `from` a date",
    ),
    (
        "a fixed date that is not a day and a month",
        ("date: 31 March", "date: 31 Marhc"),
        "date: 31 Marhc",
        "a fixed date is a day and a month, as `15 February`; found '31 Marhc'",
    ),
    (
        "a fixed date without its year",
        (", year: transfer_date, before: true}", ", before: true}"),
        "date: 31 March",
        "the fixed date '31 March' needs `year`",
    ),
    (
        "a year from a text field",
        ("year: transfer_date", "year: transfer"),
        "year: transfer,",
        "milestone 'transfer_amended': the year of '31 March' comes from 'transfer', which is neither a date field nor a number field",
    ),
    (
        "a due date with no period",
        ("due: {from: received, weeks: 12}", "due: {from: received}"),
        "due: {from: received}",
        "a due date needs weeks, days, months or working_days",
    ),
    (
        "starting_with counted backwards",
        ("{from: transfer_date, months: -5}", "{from: transfer_date, months: -5, starting_with: true}"),
        "months: -5, starting_with",
        "starting_with counts a period forwards",
    ),
    (
        "an alternative without when that is not the last",
        ("      - {when: {field: transfer, equals: Post-16}, date: 31 March,", "      - {date: 31 March,"),
        "      - {date: 31 March,",
        "among several due rules, only the last may go without `when`",
    ),
    (
        "a due date counting from nothing",
        ("due: {from: decision, weeks: 14,", "due: {from: decisoin, weeks: 14,"),
        "from: decisoin",
        "milestone 'final' is due from 'decisoin', which is neither a date field nor another milestone (did you mean 'decision'?)",
    ),
    (
        "an outcome that is not a choice",
        ("{answer: Not assessed,", "{answer: Not assesed,"),
        "answer: Not assesed",
        "the field outcome has no choice for the outcome 'Not assesed'",
    ),
    (
        "an outcome naming an unknown milestone",
        ("not_applicable: [advice, final]}", "not_applicable: [advice, fnal]}"),
        "not_applicable: [advice, fnal]",
        "the outcome 'Not assessed' names the milestone 'fnal', which is not defined (did you mean 'final'?)",
    ),
    (
        "an outcome whose own step does not apply",
        ("not_applicable: [advice, final]}", "not_applicable: [decision, final]}"),
        "not_applicable: [decision",
        "an outcome ends at a step that applies, so it cannot also list it as not applicable (decision): 'Not assessed'",
    ),
    (
        "two reasons that read the same",
        ("aliases: [Away from the area]", "aliases: [School closed for 4 weeks or more (reg 10(4)(a))]"),
        "aliases: [School closed",
        "two reasons read the same (closed and away): 'School closed for 4 weeks or more (reg 10(4)(a))'",
    ),
    (
        "a breach tested outside the grading limits",
        ("    text: Advice date\n", "    text: Advice date\n    applies_if: {breach: statutory}\n"),
        "applies_if: {breach",
        "milestone 'advice': its `applies_if` tests the dates (breach: statutory): only grading limits can",
    ),
    (
        "a milestone status that does not exist",
        ("{milestone: final, in: [late, missing]}", "{milestone: final, in: [late, overdue]}"),
        "milestone: final, in: [late, overdue]",
        "a milestone's status is one of on_time, late, missing, exception, not_due, not_applicable, unknown; found 'overdue'",
    ),
    (
        "a number test on a field that is not a number",
        ("{when: {field: transfer, equals: Post-16}", "{when: {field: transfer, at_least: 9}"),
        "field: transfer, at_least",
        "at_least/below need a number field (type: integer), but 'transfer' is of type text",
    ),
    (
        "breach takes no test",
        ("{if: {breach: statutory}", "{if: {breach: statutory, equals: late}"),
        "breach: statutory, equals",
        "`breach` takes no test (equals)",
    ),
    (
        "rag bands with a percent",
        ("  method: compliance\n", "  method: rag\n"),
        "{grade: Outstanding, min: 90}",
        "rag grading counts red and amber answers: give bands `max_red` and `max_amber`, not `min`",
    ),
    (
        "percent bands with a red count",
        ("    - {grade: Good, min: 70}", "    - {grade: Good, min: 70, max_red: 1}"),
        "{grade: Outstanding, min: 90}",
        "max_red and max_amber are for `method: rag`",
    ),
]


@pytest.mark.parametrize("case", TIMED_CASES, ids=[c[0] for c in TIMED_CASES])
def test_each_rule_of_dates_and_limits_names_file_line_and_problem(runner, app, write, case):
    _name, (old, new), where, message = case
    assert old in TIMED, old
    text = TIMED.replace(old, new, 1)
    path = write(text)
    result, out = _validate(runner, app, path)
    assert result.exit_code == 2, out
    line = line_of(text, where)
    hit = [ln.strip() for ln in out.splitlines() if message in ln]
    assert hit, f"{message!r} not in:\n{out}"
    assert hit[0].startswith(f"{path}:{line}:"), f"expected line {line}: {hit[0]}"
    assert "Traceback" not in out


def test_the_timed_rubric_is_ok(runner, app, write):
    path = write(TIMED)
    result, out = _validate(runner, app, path)
    assert result.exit_code == 0, out


def test_rag_bands_need_a_catch_all_and_counts(runner, app, write):
    rag = (
        GOOD.replace("grading:\n  bands:\n", "grading:\n  method: rag\n  bands:\n")
        .replace(
            "    - {grade: Outstanding, min: 90}\n    - {grade: Good, min: 70}\n    - {grade: Requires improvement, min: 50}\n    - {grade: Inadequate, min: 0}\n",
            "    - {grade: Green, max_red: 0}\n    - {grade: Amber}\n    - {grade: Red, max_red: 1}\n",
        )
        .replace("max_grade: Requires improvement}", "max_grade: Red}")
    )
    result, out = _validate(runner, app, write(rag))
    assert result.exit_code == 2
    assert "the last rag band must have no max_red or max_amber, so every audit gets a grade" in out
    fixed = rag.replace("    - {grade: Red, max_red: 1}\n", "    - {grade: Red}\n")
    result, out = _validate(runner, app, write(fixed))
    assert "the rag band 'Amber' needs max_red or max_amber" in out
    ok = fixed.replace("    - {grade: Amber}\n", "    - {grade: Amber, max_red: 1}\n")
    result, out = _validate(runner, app, write(ok))
    assert result.exit_code == 0, out


def test_items_conditions_name_items_or_sections(runner, app, write):
    bad = GOOD.replace(
        "{if: {item: smart, answer: Not included}", "{if: {items: [Outcmes], answer: Not included}"
    )
    result, out = _validate(runner, app, write(bad))
    assert result.exit_code == 2
    assert (
        "the condition names 'Outcmes' in items, which is neither an item nor a section (did you mean 'Outcomes'?)"
        in out
    )
    wrong = GOOD.replace("{if: {item: smart, answer: Not included}", "{if: {items: all, answer: Nope}")
    result, out = _validate(runner, app, write(wrong))
    assert "the condition on items tests the answer 'Nope', which none of their scales has" in out
