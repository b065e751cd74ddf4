"""The redaction policy (qactl/privacy/redact.py), case by case: what it takes out of a comment and what it leaves.

Every name, number and date here is invented. NHS numbers in the 999 range are never issued; their check digits
are worked out in the comments (Modulus 11: weights 10 to 2 on the first nine digits, check = 11 − sum mod 11).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qactl.privacy import NOTHING, Known, Redactor, fold, mask, mask_message, redact, redactor
from qactl.privacy.redact import PARTICLES

# 999 000 0018: 9×10 + 9×9 + 9×8 + 0 + … + 1×2 = 90 + 81 + 72 + 2 = 245; 245 mod 11 = 3; 11 − 3 = 8 ✓
VALID = "9990000018"
# 943 476 5919 is the NHS Data Dictionary's own example: 9×10+4×9+3×8+4×7+7×6+6×5+5×4+9×3+1×2 = 299; 299 mod 11 = 2;
# 11 − 2 = 9 ✓
EXAMPLE = "9434765919"


def child(name="Mary-Jane Zoë O’Neill", nhs=(), dob=date(2015, 4, 3)):
    return Known.of([name], nhs, [dob] if dob else [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the whole name, however its apostrophe, hyphen, accents and case are written
        ("Mary-Jane Zoë O’Neill was seen.", "[name] was seen."),
        ("mary jane zoe o'neill was seen.", "[name] was seen."),
        ("MARY-JANE ZOË O’NEILL", "[name]"),
        # first, middle and last names alone, as words, and possessives kept
        ("Mary Jane's views", "[name]'s views"),
        ("MaryJane's views", "[name]'s views"),
        ("Zoe enjoys school", "[name] enjoys school"),
        ("Zoë’s mum", "[name]’s mum"),
        ("O'Neill family", "[name] family"),
        ("ONeill family", "[name] family"),
        ("O Neill family", "[name] family"),
        ("the Neill side", "the [name] side"),
        ("Jane O’Neill", "[name]"),
        # not inside other words
        (
            "Annual review at Maryland School; Janet and Zoey",
            "Annual review at Maryland School; Janet and Zoey",
        ),
    ],
)
def test_name_variants(text, expected):
    assert redact(text, child()) == expected


def test_accents_either_way_round():
    """The name written with accents and the comment without, or the other way round."""
    assert redact("Zoe and Renee", Known.of(["Zoë Renée"])) == "[name] and [name]"
    assert redact("Zoë and Renée", Known.of(["Zoe Renee"])) == "[name] and [name]"


def test_short_parts_only_beside_the_name():
    """Parts under 3 letters and particles are ordinary words alone: taken out only next to the rest of the name."""
    k = Known.of(["Bo Li"])
    assert (
        redact("Bo Li and Bo-Li came; Bo alone, Li alone", k) == "[name] and [name] came; Bo alone, Li alone"
    )
    k = Known.of(["Ludwig van Testhoven"])
    assert redact("A van; Ludwig van Testhoven; van Testhoven", k) == "A van; [name]; [name]"
    assert redact("Al is here", Known.of(["Al"])) == "[name] is here"  # the whole name, however short


def test_nhs_numbers_however_grouped():
    k = NOTHING  # shapes are taken out even when the audit holds no NHS number (a rubric with no such field)
    for written in (
        "999 000 0018",
        "999-000-0018",
        "999.000.0018",
        "9990 000 018",
        "9990000018",
        "99 90 00 00 18",
    ):
        assert redact(f"NHS no {written}.", k) == "NHS no [NHS number].", written


def test_ordinary_numbers_are_left():
    # 1234567890: 1×10+2×9+3×8+4×7+5×6+6×5+7×4+8×3+9×2 = 210; 210 mod 11 = 1; 11 − 1 = 10: no valid check digit
    text = "Ref 1234567890; phone 01632 960 123; 25 hours a week from 03/11/2025; Year 10; KS2"
    assert redact(text, NOTHING) == text
    # grouped 3-3-4, as NHS numbers are printed, it is taken out even with a wrong check digit (a mistyped one)
    assert redact("NHS 123 456 7890", NOTHING) == "NHS [NHS number]"


def test_the_audits_own_mistyped_nhs_number():
    # 9990000019 fails the check (the check digit is 8): caught because it is this audit's own number
    k = Known.of([], ["999 000 0019"])
    assert redact("number 9990000019 and 9990 000 019", k) == "number [NHS number] and [NHS number]"
    assert redact("number 9990000019", NOTHING) == "number 9990000019"


@pytest.mark.parametrize(
    "written",
    [
        "03/04/2015",
        "3/4/2015",
        "3.4.15",
        "03-04-2015",
        "2015-04-03",
        "3 April 2015",
        "3rd April 2015",
        "3rd of April 2015",
        "3 Apr 15",
        "03-Apr-2015",
        "April 3, 2015",
        "Apr 3rd 2015",
        "april 3 2015",
        "04/03/2015",
    ],
)
def test_the_childs_date_of_birth_in_any_common_form(written):
    # 04/03/2015 is month first (US order): still this child's date of birth, so taken out
    assert redact(f"DOB {written}, seen", child()) == "DOB [date of birth], seen"


def test_other_dates_are_left():
    text = "Assessed 04/04/2015, 3 April 2016 and 2015-04-04; 3 May 2015"
    assert redact(text, child()) == text


def test_upns():
    # B801200005001 is a made-up UPN of the DfE's shape: a letter, 11 digits, a digit or letter
    assert redact("UPN B801200005001, temp UPN a80120000500B.", NOTHING) == "UPN [UPN], temp UPN [UPN]."
    assert redact("KS2 and Y10 and AB1234", NOTHING) == "KS2 and Y10 and AB1234"


def test_everything_at_once_keeps_the_rest():
    k = child(nhs=[EXAMPLE])
    text = "Zoe (NHS 943 476 5919, born 3.4.15) – O’Neill's plan; UPN B801200005001."
    assert redact(text, k) == "[name] (NHS [NHS number], born [date of birth]) – [name]'s plan; UPN [UPN]."


def test_fold_keeps_positions():
    for text in ("Zoë O’Neill – İstanbul ß ﬁne", "plain", "Full\u00a0width ＡＢＣ"):
        assert len(fold(text)) == len(text)
    assert fold("Zoë O’Neill–Smith") == "zoe o'neill-smith"


def test_values_that_did_not_read_are_taken_out_as_written():
    k = Known.of(literals=["31/02/2015"])
    assert redact("born 31/02/2015 apparently", k) == "born [name] apparently"


def test_the_redactor_and_guessing_helpers():
    r = Redactor(["Ann Lee"], [("9434765919", "[NHS number]")])
    assert r("Ann Lee met Annabel; NHS 943 476 5919") == "[name] met Annabel; NHS [NHS number]"
    guess = redactor(["Ann Lee", "2015-04-03", "999 000 0019"])
    assert guess("Ann, 03/04/2015, 9990000019") == "[name], [date of birth], [NHS number]"


def test_masking_an_error_value():
    assert mask("31/02/2015") == "##/##/####"
    assert mask("3 Febuary 2015", letters=True) == "# Febuary ####"
    assert mask("A80120000500X") == "x###########x"
    # the date parser's own messages quote the value, or rebuild it month first: masked either way
    msg = mask_message(
        "'13/25/2015' looks like a US-style date (month first); write it day first, as 25/13/2015",
        "13/25/2015",
    )
    assert "13" not in msg and "25" not in msg and "2015" not in msg and "US-style" in msg
    assert (
        mask_message("expected a date, found the number 12", "12") == "expected a date, found the number ##"
    )
    assert mask_message("expected 10 digits", "999 000 001") == "expected 10 digits"


def test_no_pattern_is_compiled_per_audit(monkeypatch):
    """National scale: every child a different name, and nothing compiled for any of them."""
    knowns = [
        Known.of([f"Testchild{n} Example{n}"], [f"999 000 {n:04d}"], [date(2010, 1, 1 + n % 28)])
        for n in range(200)
    ]
    compiled = []
    real = re._compile
    monkeypatch.setattr(re, "_compile", lambda *a, **k: compiled.append(a) or real(*a, **k))
    for n, k in enumerate(knowns):
        assert (
            redact(f"Testchild{n}'s plan, born {1 + n % 28}/1/2010", k)
            == "[name]'s plan, born [date of birth]"
        )
    assert compiled == []


_PART = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëöÅ", min_size=1, max_size=9).filter(
    lambda p: fold(p) not in {"name", "nhs", "number", "upn", "date", "of", "birth"}
)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120),
    st.lists(_PART, min_size=1, max_size=4),
    st.sampled_from([" ", "-", " - "]),
    st.integers(0, 120),
    st.sampled_from([str.lower, str.upper, str.title, fold]),
)
def test_a_name_written_anywhere_in_any_text_is_taken_out(noise, parts, sep, at, case):
    """Hypothesis: whatever surrounds it and however it is cased or accented, no part of 3 letters or more is left."""
    name = sep.join(parts)
    text = noise[:at] + " " + case(name) + "'s " + noise[at:]
    out = redact(text, Known.of([name]))
    folded = fold(out)
    for p in parts:
        if len(p) >= 3 and fold(p) not in PARTICLES:
            assert not re.search(rf"(?<![^\W_]){re.escape(fold(p))}(?![^\W_])", folded), (text, out)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=200))
def test_text_with_no_digits_and_no_known_values_is_left_exactly_as_it_was(text):
    assert redact(text, NOTHING) == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=9, max_size=9),
    st.sets(st.integers(1, 9), max_size=4),
    st.sampled_from(" .-"),
    st.text(
        alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl", "Lu", "Ll", "Lt", "Lm", "Lo")),
        max_size=40,
    ),
)
def test_an_nhs_number_however_grouped_is_taken_out(nine, cuts, sep, noise):
    """Hypothesis: any valid NHS number, cut into groups anywhere, with one separator, amid any non-alphanumeric text."""
    check = 11 - sum(d * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    if check == 10:
        return  # no NHS number has these nine digits
    digits = "".join(map(str, [*nine, check]))
    grouped = sep.join(digits[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 10], strict=True))
    out = redact(f"{noise} NHS {grouped} {noise}", NOTHING)
    assert "[NHS number]" in out and not re.search(r"\d", out)
