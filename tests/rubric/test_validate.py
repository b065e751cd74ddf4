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
        ("    text: Outcomes are SMART\n    scale: inclusion", "    text: Outcomes are SMART\n    scale: inclusio"),
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
        ("    text: Outcomes are SMART\n", "    text: \"Outcomes are SMART.\"\n    aliases: [A brief formulation is included]\n"),
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
    text = GOOD.replace("{item: smart,", "{item: smrt,").replace("identify: [child_name, dob]", "identify: [child_nme, dob]")
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
