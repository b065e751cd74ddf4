"""The worked cases of issue 12, scored with the built-in rubrics: what the law says is late is late, a statutory
breach never grades in a rubric's top two bands, and a lawful outcome never grades Inadequate for steps that no
longer apply. Each case writes its dates out; "qactl 0.1:" says what the same export scored before.

Weeks are counted from the day of receipt, not counting it: a request received Monday 01/09/2025 has its 6 weeks
end Monday 13/10/2025, 12 weeks 24/11/2025, 14 weeks 08/12/2025, 16 weeks 22/12/2025, 20 weeks Monday 19/01/2026.
"""

from __future__ import annotations

from datetime import datetime

from scoring_helpers import FORMS, forms_prefix, write_xlsx

from qactl.rubric.loader import builtin_dir, load_rubric
from qactl.scoring.run import score_file
from qactl.statutory.timeliness import timeliness

AUDITED = datetime(2026, 3, 2, 10, 0)


def score(tmp_path, rubric_id: str, rows: list[dict[str, object]], *, name: str = "export"):
    """Score rows given as {header: value} (a Forms export: its own columns first) with a built-in rubric."""
    headers = list(dict.fromkeys(h for r in rows for h in r))
    src = write_xlsx(
        tmp_path / f"{name}.xlsx",
        [*FORMS, *headers],
        [[*forms_prefix(k + 1, AUDITED), *[r.get(h) for h in headers]] for k, r in enumerate(rows)],
    )
    out = tmp_path / f"{name}.json"
    result = score_file(rubric_id, src, out)
    import json

    doc = json.loads(out.read_text(encoding="utf-8"))
    return doc["audits"], result.summary, doc


def status(audit, mid):
    m = audit["milestones"][mid]
    return m["status"], m["days_late"]


# ---------------------------------------------------------------- ehcna-file


# The columns of the form councils use today (qactl 0.1): one "Reason for any variance" for the whole audit.
def ehcna_today(
    dates: dict[str, str | None], reason: str | None = None, name: str = "Testchild One"
) -> dict[str, object]:
    return {
        "Name of Child": name,
        "DOB": "01/02/2015",
        "Date Received": "01/09/2025",
        "Reason for any variance": reason,
        "Decision to assess letter date / notification to parent": dates.get("decision"),
        "Advice received": dates.get("advice"),
        "Decision to issue date": dates.get("issue"),
        "Consultation date responses": dates.get("consultation"),
        "Final date": dates.get("final"),
        "Date of audit": "02/03/2026",
    }


ON_TIME = {
    "decision": "10/10/2025",
    "advice": "20/11/2025",
    "issue": "01/12/2025",
    "consultation": "15/12/2025",
    "final": "19/01/2026",
}


def test_a_final_plan_one_day_past_20_weeks_is_a_breach_and_never_good(tmp_path):
    # final plan on Tuesday 20/01/2026: 20 weeks ended Monday 19/01/2026, so 1 day late (reg 13(2)).
    # qactl 0.1: 4 of 5 dates on time = 80.0, Good.
    (a,), _, _ = score(tmp_path, "ehcna-file", [ehcna_today({**ON_TIME, "final": "20/01/2026"})])
    assert status(a, "final_plan") == ("late", 1)
    assert [
        status(a, m)[0]
        for m in ("decision_to_assess", "advice_received", "decision_to_issue", "draft_consultation")
    ] == ["on_time"] * 4
    assert status(a, "no_plan_notice") == ("not_applicable", None)  # no decision not to issue a plan
    # statutory 1 of 2 = 50.0 (weight 2), local targets 3 of 3 = 100.0 (weight 1): (2 × 50 + 100) / 3 = 66.7
    assert (
        a["sections"]["Statutory time limits"]["score"] == 50.0
        and a["sections"]["Local targets"]["score"] == 100.0
    )
    assert (a["score"], a["grade"]) == (66.7, "Requires Improvement")
    # even were every local target met and the score high, the breach caps the grade below the top two bands
    assert (
        a["milestones"]["final_plan"]["kind"] == "statutory"
        and a["milestones"]["final_plan"]["citation"] == "SEND Regulations 2014 reg 13(2)"
    )


def test_a_lawful_decision_not_to_assess_made_in_time_is_not_inadequate(tmp_path):
    # decision not to assess notified 10/10/2025, within the 6 weeks ending 13/10/2025 (reg 5(1)); nothing follows.
    # qactl 0.1 (no outcome): 1 of 5 on time, the 4 later steps "missing" = 20.0, Inadequate.
    row = {**ehcna_today({"decision": "10/10/2025"}), "Outcome of the request": "Decision not to assess"}
    (a,), _, _ = score(tmp_path, "ehcna-file", [row])
    assert status(a, "decision_to_assess") == ("on_time", 0)
    for mid in ("advice_received", "decision_to_issue", "no_plan_notice", "draft_consultation", "final_plan"):
        assert (
            a["milestones"][mid]["status"] == "not_applicable"
            and a["milestones"][mid]["ended_by"] == "Decision not to assess"
        )
    assert a["outcome"] == "Decision not to assess"
    assert (a["score"], a["grade"]) == (100.0, "Outstanding")


def test_a_decision_not_to_issue_a_plan_has_its_own_16_week_limit(tmp_path):
    # "no plan" notice on Tuesday 23/12/2025: 16 weeks ended Monday 22/12/2025 (reg 10(1)): 1 day late, a breach.
    row = {
        **ehcna_today({"decision": "10/10/2025", "advice": "20/11/2025"}),
        "Outcome of the request": "decision NOT to issue a plan after assessment",
        "Date the family was told no plan will be issued": "23/12/2025",
    }
    (a,), _, _ = score(tmp_path, "ehcna-file", [row])
    assert status(a, "no_plan_notice") == ("late", 1)
    assert [
        a["milestones"][m]["status"] for m in ("decision_to_issue", "draft_consultation", "final_plan")
    ] == ["not_applicable"] * 3
    assert a["grade"] == "Requires Improvement"


def test_one_reason_for_the_audit_excuses_only_the_limits_that_allow_it(tmp_path):
    # The decision on 18/11/2025: the 6 weeks ended 13/10/2025, so 36 days late; the audit's one reason is
    # "Exceptional personal circumstances (reg 10(4)(c))". qactl 0.1: that reason excused every late date: 100.0.
    reason = "Exceptional personal circumstances (reg 10(4)(c))"
    decision_late = {**ON_TIME, "decision": "18/11/2025"}
    # advice on 01/12/2025: the 12-week local target ended 24/11/2025, 7 days late
    target_late_too = {**decision_late, "advice": "01/12/2025"}
    early_years = {**ON_TIME, "decision": "18/11/2025"}
    rows = [
        ehcna_today(decision_late, reason, "Testchild One"),
        ehcna_today(target_late_too, reason, "Testchild Two"),
        ehcna_today(
            early_years, "Early years provider closed for 4 weeks or more (reg 10(4)(b))", "Testchild Three"
        ),
        ehcna_today(decision_late, "Waiting list for the EP", "Testchild Four"),
    ]
    (one, two, three, four), summary, _ = score(tmp_path, "ehcna-file", rows)
    # 1. The fact is exceptional personal circumstances. Reg 10(4)(c) itself covers the 16- and 20-week limits only,
    #    but reg 5(4)(b) allows the same circumstances for the 6-week decision (see rubrics/ehcna-file.yaml for this
    #    reading), so the decision is excused under reg 5(4)(b), as its own limit allows: not under 10(4)(c).
    d = one["milestones"]["decision_to_assess"]
    assert (d["status"], d["days_late"], d["reason"], d["excused_under"]) == (
        "exception",
        36,
        "personal_circumstances",
        "reg 5(4)(b)",
    )
    assert (one["score"], one["grade"]) == (100.0, "Outstanding")
    # 2. The same reason never excuses a local target: the advice is late, 7 days.
    adv = two["milestones"]["advice_received"]
    assert (adv["status"], adv["days_late"], adv["reason_check"]) == ("late", 7, "not_allowed")
    assert (
        two["sections"]["Local targets"]["score"] == 66.7 and two["grade"] == "Good"
    )  # (2 × 100 + 66.7) / 3 = 88.9
    assert two["score"] == 88.9
    # 3. An early years provider's closure (reg 10(4)(b)) is not among reg 5(4)'s exceptions: the decision is late.
    d3 = three["milestones"]["decision_to_assess"]
    assert (d3["status"], d3["days_late"], d3["reason"], d3["reason_check"]) == (
        "late",
        36,
        "early_years_closed",
        "not_allowed",
    )
    assert three["grade"] == "Requires Improvement"
    # 4. A waiting list is no exception: late, and the reason is kept and reported, not dropped.
    d4 = four["milestones"]["decision_to_assess"]
    assert (d4["status"], d4["reason_check"]) == ("late", "unrecognised")
    assert four["fields"]["reason"] == "Waiting list for the EP" and four["grade"] == "Requires Improvement"
    notes = " ".join(summary["notes"])
    assert (
        "1 late date(s) give a reason that is none of the recognised exceptions" in notes
        and "'Waiting list for the EP'" in notes
    )
    assert "2 late date(s) give an exception that their time limit does not allow" in notes


def test_a_reason_written_without_its_regulation_still_matches(tmp_path):
    # final plan on 30/01/2026, 11 days after 19/01/2026. "Exceptional personal circumstances" without the
    # drop-down's "(reg 10(4)(c))": qactl 0.1 took it silently as no exception (late, 80.0 Good).
    for k, typed in enumerate(
        [
            "Exceptional personal circumstances",
            "  exceptional PERSONAL circumstances. ",
            "Exceptional circumstances - reg 10(4)(c)",
        ]
    ):
        (a,), _, _ = score(
            tmp_path, "ehcna-file", [ehcna_today({**ON_TIME, "final": "30/01/2026"}, typed)], name=f"e{k}"
        )
        f = a["milestones"]["final_plan"]
        assert (f["status"], f["days_late"], f["excused_under"]) == (
            "exception",
            11,
            "reg 13(3), 10(4)(c)",
        ), typed
        assert a["grade"] == "Outstanding"


def test_a_reason_per_date_in_the_new_form(tmp_path):
    # The new form (qactl form ehcna-file): a reason beside each date. The decision's own reason comes first; the
    # final plan's reason applies to it alone. Decision 18/11/2025 (36 days late), final 30/01/2026 (11 days late).
    rubric = load_rubric(builtin_dir() / "ehcna-file.yaml")
    row = {c.text: None for c in rubric.columns()}
    row.update(
        {
            "Name of Child": "Testchild Five",
            "DOB": "01/02/2015",
            "Date Received": "01/09/2025",
            "Date of audit": "02/03/2026",
            "Outcome of the request": "Assessment under way or plan issued",
            **{
                k: v
                for k, v in zip(
                    (
                        "Decision to assess letter date / notification to parent",
                        "Advice received",
                        "Decision to issue date",
                        "Consultation date responses",
                        "Final date",
                    ),
                    ("18/11/2025", "20/11/2025", "01/12/2025", "15/12/2025", "30/01/2026"),
                    strict=True,
                )
            },
            "Decision to assess: reason for any variance": "Child, parent or young person absent from the area for 4 weeks or more (reg 5(4)(c))",
            "Final plan: reason for any variance": "School or post-16 institution closed for 4 weeks or more (reg 13(3), 10(4)(a))",
        }
    )
    (a,), _, _ = score(tmp_path, "ehcna-file", [row])
    assert (
        a["milestones"]["decision_to_assess"]["reason"],
        a["milestones"]["decision_to_assess"]["excused_under"],
    ) == ("absent_from_area", "reg 5(4)(c)")
    assert (a["milestones"]["final_plan"]["reason"], a["milestones"]["final_plan"]["excused_under"]) == (
        "school_closed",
        "reg 13(3), 10(4)(a)",
    )
    assert a["grade"] == "Outstanding"


def test_local_targets_no_longer_weigh_as_much_as_the_law(tmp_path):
    # Every statutory limit met, every local target missed by a week: qactl 0.1 2 of 5 = 40.0, Inadequate, the
    # same as missing the 20 weeks. Now: statutory 100 (weight 2), targets 0: 200 / 3 = 66.7.
    late_targets = {**ON_TIME, "advice": "01/12/2025", "issue": "15/12/2025", "consultation": "29/12/2025"}
    (a,), _, doc = score(tmp_path, "ehcna-file", [ehcna_today(late_targets)])
    assert (a["sections"]["Statutory time limits"]["score"], a["sections"]["Local targets"]["score"]) == (
        100.0,
        0.0,
    )
    assert (a["score"], a["grade"]) == (66.7, "Requires Improvement")
    t = timeliness(doc, doc["audits"])
    assert (t["statutory"]["rate"], t["target"]["rate"]) == (100.0, 0.0)


# ---------------------------------------------------------------- annual-review


def review_row(
    name: str,
    last: str,
    meeting: str,
    *,
    inv=None,
    adv=None,
    report=None,
    decision=None,
    amended=None,
    la_decision="Maintain",
    transfer=None,
    transfer_date=None,
    amended_transfer=None,
    year_group=5,
    pfa="Yes",
) -> dict:
    return {
        "Name of child": name,
        "Date of birth": "01/02/2016" if year_group < 9 else "01/02/2006",
        "National curriculum year group": year_group,
        "Date the plan was issued or last reviewed": last,
        "Local authority decision after the review": la_decision,
        "Transfer between phases within the next 12 months": transfer or "No",
        "Date of the transfer (first day at the next school or setting)": transfer_date,
        "Date of the annual review meeting": meeting,
        "Date invitations were sent": inv,
        "Date advice and information were circulated": adv,
        "Date the review report was sent": report,
        "Date the local authority's decision was notified": decision,
        "Date the final amended plan was issued": amended,
        "Phase transfer: date the plan was amended, naming the next school or setting": amended_transfer,
        "Everyone the regulations require was invited: parent or young person, school or setting, SEN officer, health and social care": "Yes",
        "The review considered progress towards the outcomes in the plan": "Yes",
        "The review considered the provision needed to prepare for adulthood and independent living": pfa,
        "The child's or young person's views, wishes and feelings were recorded": "Yes",
        "The parents' or carers' views were recorded": "Yes",
        "Date of audit": "02/03/2026",
    }


def test_a_review_92_days_late_is_a_breach(tmp_path):
    # last reviewed 10/03/2024: the 12 months starting with it end 09/03/2025 (CAFA s.44(1)); meeting 09/06/2025:
    # 22 + 30 + 31 + 9 = 92 days late. Every other step on time. qactl 0.1: 8 of 9 = 88.9, Good.
    row = review_row(
        "Testchild Six",
        "10/03/2024",
        "09/06/2025",
        inv="26/05/2025",
        adv="26/05/2025",
        report="20/06/2025",
        decision="01/07/2025",
    )
    (a,), _, _ = score(tmp_path, "annual-review", [row])
    assert status(a, "review_meeting") == ("late", 92)
    assert status(a, "invitations_sent") == ("on_time", 0)  # due 09/06 − 14 days = 26/05/2025, sent that day
    assert (
        status(a, "amended_plan")[0] == "not_applicable"
        and a["milestones"]["amended_plan"]["ended_by"] == "Maintain"
    )
    assert (a["score"], a["grade"]) == (88.9, "Requires Improvement")


def test_the_review_is_due_the_day_before_the_anniversary(tmp_path):
    # last reviewed 10/03/2024 → the 12 months starting with that day end 09/03/2025; a meeting on the anniversary,
    # 10/03/2025, is 1 day late. qactl 0.1 took the anniversary as the due date: on time.
    rows = [
        review_row(
            "Testchild Seven",
            "10/03/2024",
            "10/03/2025",
            inv="20/02/2025",
            adv="20/02/2025",
            report="17/03/2025",
            decision="31/03/2025",
        ),
        review_row(
            "Testchild Eight",
            "10/03/2024",
            "09/03/2025",
            inv="20/02/2025",
            adv="20/02/2025",
            report="17/03/2025",
            decision="31/03/2025",
        ),
    ]
    (late, on_time), _, _ = score(tmp_path, "annual-review", rows)
    assert late["milestones"]["review_meeting"]["due"] == "2025-03-09" and status(late, "review_meeting") == (
        "late",
        1,
    )
    assert late["grade"] == "Requires Improvement"
    assert status(on_time, "review_meeting") == ("on_time", 0) and on_time["grade"] == "Outstanding"


def test_a_missed_phase_transfer_deadline_is_a_breach(tmp_path):
    # Primary to secondary in September 2026: the plan must be amended before 15 February 2026 (reg 18(1)(b)), so
    # by 14/02/2026; amended 20/02/2026, 6 days late. qactl 0.1 ("by 15 February", Yes/No answered No): 9 of 10 = 90.0,
    # Outstanding.
    common = dict(
        inv="01/10/2025",
        adv="01/10/2025",
        report="20/10/2025",
        decision="01/11/2025",
        transfer_date="01/09/2026",
    )
    rows = [
        review_row(
            "Testchild Nine",
            "20/10/2024",
            "15/10/2025",
            transfer="Primary to secondary school",
            amended_transfer="20/02/2026",
            **common,
        ),
        # on 15 February itself: not *before* it, so late by 1 day
        review_row(
            "Testchild Ten",
            "20/10/2024",
            "15/10/2025",
            transfer="Primary to secondary school",
            amended_transfer="15/02/2026",
            **common,
        ),
        # secondary to post-16: before 31 March 2026, so 20/02/2026 is on time (reg 18(1)(a))
        review_row(
            "Testchild Eleven",
            "20/10/2024",
            "15/10/2025",
            transfer="Secondary school to post-16 institution",
            amended_transfer="20/02/2026",
            **common,
        ),
        # a post-16 move on 15/01/2027 at another time of year: at least 5 months before, by 15/08/2026 (reg 18(2))
        review_row(
            "Testchild Twelve",
            "20/10/2024",
            "15/10/2025",
            transfer="Post-16 institution to another, at another time of year",
            amended_transfer="16/08/2026",
            **{**common, "transfer_date": "15/01/2027"},
        ),
    ]
    nine, ten, eleven, twelve = score(tmp_path, "annual-review", rows)[0]
    assert nine["milestones"]["phase_transfer_amended"]["due"] == "2026-02-14" and status(
        nine, "phase_transfer_amended"
    ) == ("late", 6)
    assert (nine["score"], nine["grade"]) == (90.0, "Requires Improvement")
    assert status(ten, "phase_transfer_amended") == ("late", 1)
    assert eleven["milestones"]["phase_transfer_amended"]["due"] == "2026-03-30" and status(
        eleven, "phase_transfer_amended"
    ) == ("on_time", 0)
    assert twelve["milestones"]["phase_transfer_amended"]["due"] == "2026-08-15" and status(
        twelve, "phase_transfer_amended"
    ) == ("late", 1)


def test_the_amended_plan_is_due_at_the_earlier_of_decision_plus_8_weeks_and_meeting_plus_12(tmp_path):
    # meeting 10/06/2025; the decision (with the proposed amendments) notified late, 29/07/2025 (due 08/07/2025);
    # decision + 8 weeks = 23/09/2025, meeting + 12 weeks = 02/09/2025 (R (L, M and P) v Devon CC): due 02/09/2025.
    # Amended plan issued 16/09/2025: 14 days late. qactl 0.1: due 23/09/2025, on time.
    row = review_row(
        "Testchild Thirteen",
        "15/06/2024",
        "10/06/2025",
        inv="27/05/2025",
        adv="27/05/2025",
        report="24/06/2025",
        decision="29/07/2025",
        la_decision="Amend",
        amended="16/09/2025",
    )
    (a,), _, _ = score(tmp_path, "annual-review", [row])
    assert status(a, "decision_notified") == ("late", 21)
    assert a["milestones"]["amended_plan"]["due"] == "2025-09-02" and status(a, "amended_plan") == (
        "late",
        14,
    )
    # `qactl timeline` prints the same date for the same case: one function computes both
    from datetime import date

    from qactl.statutory import timeline

    t = timeline.annual_review(
        load_rubric(builtin_dir() / "annual-review.yaml"), date(2025, 6, 10), decision=date(2025, 7, 29)
    )
    assert t.date_of("amended_plan") == date(2025, 9, 2)


def test_preparation_for_adulthood_counts_for_a_young_person_past_year_14(tmp_path):
    # year group 15 (a young person over 19), preparation for adulthood not considered: qactl 0.1 applied the
    # question to years 9-14 only, so "No" dropped out; now every review from Year 9 counts it.
    rows = [
        review_row(
            "Testchild Fourteen",
            "15/06/2024",
            "10/06/2025",
            inv="27/05/2025",
            adv="27/05/2025",
            report="24/06/2025",
            decision="01/07/2025",
            year_group=15,
            pfa="No",
        )
    ]
    (a,), _, _ = score(tmp_path, "annual-review", rows)
    assert a["answers"]["pfa"]["applies"] is True and a["answers"]["pfa"]["points"] == 0
    assert a["sections"]["The review meeting"]["score"] == 66.7  # invitees 1, progress 1, pfa 0
    # the year group decides when given: a child in Year 8 is not asked it, whatever the age
    young = review_row("Testchild Eighteen", "15/06/2024", "10/06/2025", year_group=8, pfa="No")
    young["Date of birth"] = "01/02/2011"  # 15 on the audit date, held back a year
    (b,), _, _ = score(tmp_path, "annual-review", [young], name="young")
    assert b["answers"]["pfa"]["applies"] is False


def test_a_plan_ceased_ends_the_review_lawfully(tmp_path):
    row = review_row(
        "Testchild Fifteen",
        "15/06/2024",
        "10/06/2025",
        inv="27/05/2025",
        adv="27/05/2025",
        report="24/06/2025",
        decision="01/07/2025",
        la_decision="Cease",
        transfer="Primary to secondary school",
        transfer_date="01/09/2026",
    )
    (a,), _, _ = score(tmp_path, "annual-review", [row])
    assert [
        a["milestones"][m]["status"] for m in ("amended_plan", "no_amend_notice", "phase_transfer_amended")
    ] == ["not_applicable"] * 3
    assert a["grade"] == "Outstanding"


# ---------------------------------------------------------------- health-advice: the 6-week KPI (reg 8)


def health_row(nhs: str, kpi=None, requested=None, returned=None, reason=None, answer="Yes") -> dict:
    rubric = load_rubric(builtin_dir() / "health-advice.yaml")
    row: dict[str, object] = {
        "NHS Number": nhs,
        "Team": "Team A (example)",
        "6-week KPI": kpi,
        "Date the service received the LA's request for advice": requested,
        "Date the advice was returned": returned,
        "6-week KPI: reason for any variance": reason,
    }
    row.update({i.text: answer for i in rubric.items})
    return row


def test_health_advice_returned_after_six_weeks_is_a_breach_unless_reg_8_2_excuses_it(tmp_path):
    # request received by the service Monday 01/09/2025: its 6 weeks end Monday 13/10/2025 (reg 8(1)); advice
    # returned 20/10/2025, 7 days late. qactl 0.1: the KPI was never scored: every quality answer Yes = 100, Outstanding.
    rows = [
        health_row("999 000 0018", requested="01/09/2025", returned="20/10/2025"),
        health_row(
            "999 000 0026",
            requested="01/09/2025",
            returned="20/10/2025",
            reason="Child fails to keep an appointment",
        ),
        health_row("999 000 0034", requested="01/09/2025", returned="20/10/2025", reason="Waiting list"),
        health_row("999 000 0042", requested="01/09/2025", returned="13/10/2025"),
        health_row("999 000 0050", kpi="No"),  # a form made before 2026.1: the Yes/No answer decides
        health_row("999 000 0069", kpi="Yes"),
    ]
    audits, summary, doc = score(tmp_path, "health-advice", rows)
    late, appointment, waiting, on_time, said_no, said_yes = audits
    assert status(late, "advice_returned") == ("late", 7) and (late["score"], late["grade"]) == (
        100.0,
        "Requires Improvement",
    )
    a = appointment["milestones"]["advice_returned"]
    assert (a["status"], a["reason"], a["excused_under"]) == (
        "exception",
        "missed_appointment",
        "reg 8(2)(c)",
    )  # now recognised
    assert appointment["grade"] == "Outstanding"
    assert (
        waiting["milestones"]["advice_returned"]["reason_check"] == "unrecognised"
        and waiting["grade"] == "Requires Improvement"
    )
    assert status(on_time, "advice_returned") == ("on_time", 0) and on_time["grade"] == "Outstanding"
    assert (
        said_no["milestones"]["advice_returned"]["status"] == "late"
        and said_no["milestones"]["advice_returned"]["basis"] == "answer"
    )
    assert (
        said_yes["milestones"]["advice_returned"]["status"] == "on_time"
        and said_yes["grade"] == "Outstanding"
    )
    # the 6-week figure, as the report shows it: on time 2 (13/10, "Yes"), late 3; the missed appointment excused, out
    six = timeliness(doc, doc["audits"])["statutory"]
    assert (six["on_time"], six["late"], six["exception"], six["due"], six["rate"]) == (2, 3, 1, 5, 40.0)


# ---------------------------------------------------------------- ap-quality: a RAG rating


def test_alternative_provision_is_rated_red_amber_green(tmp_path):
    rubric = load_rubric(builtin_dir() / "ap-quality.yaml")

    def ap(name: str, answers: dict[str, str]) -> dict:
        return {"Provider": name, **{i.text: answers.get(i.id, "Green") for i in rubric.items}}

    rows = [
        ap(
            "Provider two reds", {"s01_entry_assessment": "Red", "s07_curriculum": "Red"}
        ),  # qactl 0.1: 26/30 = 86.7, Good
        ap("Provider one red", {"s07_curriculum": "Red"}),
        ap(
            "Provider three ambers",
            {
                "s01_entry_assessment": "Amber",
                "s02_sen_understood": "Amber",
                "s03_information_shared": "Amber",
            },
        ),
        ap("Provider two ambers", {"s01_entry_assessment": "Amber", "s02_sen_understood": "Amber"}),
        ap("Provider unsafe", {"s10_safeguarding": "Red"}),
    ]
    two_reds, one_red, three_ambers, two_ambers, unsafe = score(tmp_path, "ap-quality", rows)[0]
    assert (two_reds["score"], two_reds["grade"]) == (86.7, "Red")
    assert one_red["grade"] == "Amber" and three_ambers["grade"] == "Amber" and two_ambers["grade"] == "Green"
    assert unsafe["grade"] == "Red"  # safeguarding Red: Red, whatever else
    # each theme rated the same way: the first theme of the three-amber provider has 3 ambers
    assert three_ambers["sections"]["Assessment and Understanding"]["grade"] == "Amber"
    assert two_reds["sections"]["Attainment and Progress"]["grade"] == "Amber"  # one red in the theme


# ---------------------------------------------------------------- sen-information-report: a legal checklist


def test_a_sen_information_report_missing_statutory_points_is_not_good(tmp_path):
    rubric = load_rubric(builtin_dir() / "sen-information-report.yaml")
    missing = [i.id for i in rubric.items][:7]
    row = {"School": "Example School", **{i.text: "No" if i.id in missing else "Yes" for i in rubric.items}}
    (a,), _, _ = score(tmp_path, "sen-information-report", [row])
    # 17 of 24 points present: 34 of 48 = 70.8; qactl 0.1: Good
    assert (a["score"], a["grade"]) == (70.8, "Requires Improvement")
    full = {"School": "Another School", **{i.text: "Yes" for i in rubric.items}}
    (b,), _, _ = score(tmp_path, "sen-information-report", [full], name="full")
    assert b["grade"] == "Outstanding"


# ---------------------------------------------------------------- ehcp-quality: standard 5, older forms


def test_an_ehcp_quality_export_from_before_standard_5_still_scores(tmp_path):
    rubric = load_rubric(builtin_dir() / "ehcp-quality.yaml")
    old = {
        "Name of child": "Testchild Sixteen",
        "Date of birth": "01/02/2014",
        **{i.text: ("N/A" if i.allow_na else "Met") for i in rubric.items if not i.since},
    }
    (a,), summary, _ = score(tmp_path, "ehcp-quality", [old])
    assert a["status"] == "scored" and a["grade"] == "Outstanding"
    assert "whole_working_together" not in {k for k, v in a["answers"].items() if v["applies"]}
    assert any("no column for" in n and "added in version 2026.1" in n for n in summary["notes"])
    new = {
        **old,
        "Name of child": "Testchild Seventeen",
        rubric.item("whole_working_together").text: "Not met",
        rubric.item("whole_transition").text: "Met",
        "Services that contributed to the plan": "Educational Psychology; Speech and Language Therapy",
    }
    (b,), _, _ = score(tmp_path, "ehcp-quality", [new], name="new")
    assert b["answers"]["whole_working_together"] == {
        "answer": "Not met",
        "points": 0.0,
        "max": 2.0,
        "applies": True,
    }
    assert b["fields"]["contributors"] == "Educational Psychology; Speech and Language Therapy"
