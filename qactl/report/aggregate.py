"""Aggregating scored audits into the figures of the Practice Report: pure functions over plain dicts.

One pass over the audits of each rubric (:class:`RubricTally`), holding counts and sums, never the
audits themselves, except a capped heap of the worst-graded ones for the services to review.
Privacy is applied here, at the source: only non-pii fields with a grouping role are read (a child's
setting never: the setting is read only in audits *of* a provider or school), and comments are read for
their themes and directions only; no comment text is kept.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qactl.report.themes import CONCERN, STRENGTH, Reader
from qactl.triangulation.verdicts import MILESTONE_COUNTED, MILESTONE_THEME, Origin, is_met, origin_of

if TYPE_CHECKING:
    from qactl.statutory.timeliness import Timeliness
    from qactl.triangulation.verdicts import ThemeResult

GROUP_ROLES = ("team", "key_stage", "service")
NOT_RECORDED = "Not recorded"
#: Roles that identify a child: a rubric with none of them (and a setting field) audits a provider or school.
CHILD_ROLES = frozenset({"child_name", "dob", "nhs_number", "upn", "plan_id"})
_SPLIT = re.compile(r"[;,\n]+")


@dataclass(frozen=True)
class Options:
    """What shapes the figures (not the look)."""

    min_cell: int = 5
    top: int = 5  # criteria listed as least (and most) often fully met
    review_cap: int = 100  # audits kept for the service packs, per rubric
    # plan id (spaces tidied, case-folded) -> the services that contributed to it, from the allocation
    plan_services: dict[str, tuple[str, ...]] = field(default_factory=dict)


def pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def review_grades(grades: list[str]) -> list[str]:
    """The grades whose audits go back to the services: the two lowest (the lowest when a rubric has two)."""
    return grades[-2:] if len(grades) >= 3 else grades[-1:]


def plan_key(value: Any) -> str:
    """A plan id as plans are matched: spaces tidied, case-folded."""
    return " ".join(str(value).split()).casefold()


def split_services(value: Any) -> tuple[str, ...]:
    """The services a contributors cell names (``EPS; Health``, one a line, or a list), in order, once each."""
    parts = value if isinstance(value, list | tuple) else _SPLIT.split(str(value))
    return tuple(dict.fromkeys(" ".join(str(p).split()) for p in parts if str(p).strip()))


def purpose_of(schema: dict[str, Any], rubric_id: str) -> str:
    """``audit``, ``survey`` or ``conversation``: as the scored file declares it (format 2), else from the rubric id."""
    declared = schema.get("purpose")
    if declared in ("audit", "survey", "conversation"):
        return declared
    return {"family": "survey", "practice": "conversation"}.get(origin_of(rubric_id), "audit")


@dataclass
class RubricTally:
    """Counts and sums for one rubric over any number of scored files."""

    schema: dict[str, Any]
    rubric: dict[str, Any]
    reader: Reader | None = None
    options: Options = field(default_factory=Options)
    rows: int = 0
    scored: int = 0
    with_errors: int = 0
    duplicates: int = 0
    score_sum: float = 0.0
    score_n: int = 0
    last_date: str | None = None
    sources: list[str] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        s = self.schema
        self.id = str(self.rubric.get("id") or "rubric")
        self.purpose = purpose_of(s, self.id)
        self.grades: list[str] = [str(g) for g in s.get("grades") or []]
        self.grade_counts: Counter[str] = Counter()
        self.items: list[dict] = [i for i in s.get("items") or [] if isinstance(i, dict) and i.get("id")]
        # per item: [applicable, fully met, not met, positive]
        self.item_counts: dict[str, list[int]] = {i["id"]: [0, 0, 0, 0] for i in self.items}
        self.item_top: dict[str, str | None] = {i["id"]: (i.get("labels") or [None])[0] for i in self.items}
        self.distributions: dict[str, Counter[str]] | None = (
            {i["id"]: Counter() for i in self.items} if self.purpose != "audit" else None
        )
        self.sections: dict[str, list[float]] = {}  # section -> [sum, n]
        fields = [f for f in s.get("fields") or [] if isinstance(f, dict) and f.get("id")]
        roles = {f.get("role") for f in fields}
        self.of_provider = "setting" in roles and not roles & CHILD_ROLES
        self.group_fields: dict[str, dict] = {}
        for role in GROUP_ROLES:
            # the auditor's own service is no group of the work audited: its results are the moderation's business
            f = next(
                (
                    f
                    for f in fields
                    if f.get("role") == role
                    and not f.get("pii")
                    and "auditor" not in f"{f['id']} {f.get('text', '')}".casefold()
                ),
                None,
            )
            if f:
                self.group_fields[role] = f
        if self.of_provider:  # the provider or school audited is named: it is not a child's setting
            self.group_fields["setting"] = next(f for f in fields if f.get("role") == "setting")
        self.group_ids = [(role, f["id"]) for role, f in self.group_fields.items()]
        self._norm: dict[str, str] = {}  # raw value -> value with its spaces tidied (values repeat)
        # role -> value -> [audits, score_sum, score_n, Counter(grades)]
        self.groups: dict[str, dict[str, list]] = {role: {} for role in self.group_fields}
        self.milestones: list[dict] = [
            m for m in s.get("milestones") or [] if isinstance(m, dict) and m.get("id")
        ]
        # timeliness is qactl.statutory.timeliness's to count (the one definition): the tally only hands it the audits
        from qactl.statutory.timeliness import Tally

        self.timely = Tally(s)
        self._timely_result: Timeliness | None = None
        self.formats: set[int] = (
            set()
        )  # the scored files' formats (1: qactl 0.1, graded before a breach capped grades)
        comments = [
            c for c in s.get("comments") or [] if isinstance(c, dict) and c.get("id") and not c.get("pii")
        ]
        self.comment_ids = {c["id"] for c in comments}
        self.box_direction: dict[str, str | None] = {
            c["id"]: self.reader.box_direction(str(c.get("text") or c["id"])) if self.reader else None
            for c in comments
        }
        self.theme_counts: Counter[str] = Counter()  # theme -> audits whose comments mention it
        self.theme_concerns: Counter[str] = Counter()  # ... as a concern
        self.theme_strengths: Counter[str] = Counter()  # ... as a strength
        self.commented = 0
        self.review_set = set(review_grades(self.grades))
        plan = next((f for f in fields if f.get("role") == "plan_id" and not f.get("pii")), None)
        self.plan_field: str | None = plan["id"] if plan else None
        contributors = next((f for f in fields if f.get("role") == "contributors" and not f.get("pii")), None)
        self.contributors_field: str | None = contributors["id"] if contributors else None
        self.plans: Counter[str] = Counter()  # plan id -> audits returned (scored or not), for completion
        self.review_total = 0
        self.review_services: Counter[str] = (
            Counter()
        )  # service -> audits in the lowest grades it contributed to
        self.review_unrecorded = 0  # audits in the lowest grades with no contributing service recorded
        self.review_heap: list[tuple] = []
        self._seq = 0
        self.item_text = {i["id"]: str(i.get("text") or i["id"]) for i in self.items}
        # triangulation (qactl.triangulation.verdicts.theme_results, computed in this pass): per themed item [answers, met]
        self.origin = origin_of(self.id, self.purpose)
        self.item_theme: dict[str, str] = {i["id"]: str(i["theme"]) for i in self.items if i.get("theme")}
        self.theme_item_counts: dict[str, list[int]] = {iid: [0, 0] for iid in self.item_theme}
        self.theme_audits: Counter[str] = Counter()  # theme -> audits with at least one applying answer on it

    # ---- the one pass ----
    def add_file(self, doc: dict[str, Any], source: str) -> None:
        self.timely.add_file(doc, ())  # its format: a format-1 file's dates are not split by kind
        self._timely_result = None
        self.formats.add(doc.get("format", 1))
        self.sources.append(source)
        rnd = doc.get("round")
        if rnd and str(rnd) not in self.rounds:
            self.rounds.append(str(rnd))
        for audit in doc.get("audits") or []:
            if isinstance(audit, dict):
                self.add(audit, source)

    def add(self, a: dict[str, Any], source: str) -> None:
        self.rows += 1
        status = a.get("status")
        if status == "duplicate":
            self.duplicates += 1
            return
        fields = a.get("fields")
        if not isinstance(fields, dict):
            fields = {}
        plan = None
        if self.plan_field is not None:
            pid = fields.get(self.plan_field)
            if pid not in (None, ""):
                plan = plan_key(pid)
                self.plans[plan] += 1
        if status != "scored":
            self.with_errors += 1
            return
        self.scored += 1
        when = a.get("audit_date")
        if when and (self.last_date is None or str(when) > self.last_date):
            self.last_date = str(when)
        raw_grade, raw_score = a.get("grade"), a.get("score")
        # a grade of the rubric's, and the score of a graded audit (a number, never a bool)
        grade: str | None = raw_grade if isinstance(raw_grade, str) and raw_grade in self.grades else None
        score: float | None = (
            raw_score
            if grade is not None and isinstance(raw_score, int | float) and not isinstance(raw_score, bool)
            else None
        )
        if grade is not None:
            self.grade_counts[grade] += 1
        if score is not None:
            self.score_sum += score
            self.score_n += 1
        touched = self._answers(a.get("answers"))
        for name, sec in (a.get("sections") or {}).items() if isinstance(a.get("sections"), dict) else ():
            sc = sec.get("score") if isinstance(sec, dict) else None
            if isinstance(sc, int | float) and not isinstance(sc, bool):
                acc = self.sections.setdefault(str(name), [0.0, 0])
                acc[0] += sc
                acc[1] += 1
        values = {}
        norm = self._norm
        for role, fid in self.group_ids:
            raw = fields.get(fid)
            v = norm.get(raw) if isinstance(raw, str) else None
            if v is None:
                v = " ".join(str(raw).split()) if raw not in (None, "") else NOT_RECORDED
                if isinstance(raw, str) and len(norm) < 10_000:
                    norm[raw] = v
            values[role] = v
            g = self.groups[role].get(v)
            if g is None:
                g = self.groups[role][v] = [0, 0.0, 0, Counter()]
            g[0] += 1
            if score is not None:
                g[1] += score
                g[2] += 1
            if grade is not None:
                g[3][grade] += 1
        self.timely.add(a)
        milestones = a.get("milestones")
        if not isinstance(milestones, dict):
            milestones = {}
        timed = any(isinstance(x, dict) and x.get("status") in MILESTONE_COUNTED for x in milestones.values())
        if timed and not (touched and MILESTONE_THEME in touched):
            self.theme_audits[MILESTONE_THEME] += 1
        comments = a.get("comments")
        if comments and isinstance(comments, dict):
            self._comments(comments)
        if grade is not None and grade in self.review_set:
            self._review(a, grade, score, fields, plan, source)

    def _answers(self, answers: Any) -> set[str] | None:
        """Count one audit's answers: applicable, fully met, not met, positive; the distribution; the themes touched."""
        if not isinstance(answers, dict):
            return None
        counts = self.item_counts
        item_theme = self.item_theme
        dist = self.distributions
        origin = self.origin
        touched: set[str] | None = set() if item_theme else None
        for iid, ans in answers.items():
            c = counts.get(iid)
            if c is None or not isinstance(ans, dict):
                continue
            try:
                pts = ans["points"]
                if dist is not None and ans["applies"] and ans["answer"] is not None:
                    dist[iid][str(ans["answer"])] += 1
                if pts is None or not ans["applies"]:
                    if (
                        pts is None and ans["applies"] and ans["answer"] is not None and dist is None
                    ):  # an answer without points
                        c[0] += 1
                        c[1] += ans["answer"] == self.item_top.get(iid)
                    continue
                top = ans["max"]
                c[0] += 1
                if pts >= top:
                    c[1] += 1
                elif pts <= 0:
                    c[2] += 1
                if top and is_met(pts, top, origin):
                    c[3] += 1
                if touched is not None and iid in item_theme and top:
                    tc = self.theme_item_counts[iid]
                    tc[0] += 1
                    tc[1] += is_met(pts, top, origin)
                    touched.add(item_theme[iid])
            except (KeyError, TypeError):
                continue
        if touched:
            self.theme_audits.update(touched)
        return touched

    def _comments(self, comments: dict[str, Any]) -> None:
        texts = {
            k: v for k, v in comments.items() if k in self.comment_ids and isinstance(v, str) and v.strip()
        }
        if not texts:
            return
        self.commented += 1
        if self.reader is None:
            return
        mentioned: set[str] = set()
        concerns: set[str] = set()
        strengths: set[str] = set()
        for cid, text in texts.items():
            for theme, directions in self.reader.read_shared(text, self.box_direction.get(cid)).items():
                mentioned.add(theme)
                if CONCERN in directions:
                    concerns.add(theme)
                if STRENGTH in directions:
                    strengths.add(theme)
        self.theme_counts.update(mentioned)
        self.theme_concerns.update(concerns)
        self.theme_strengths.update(strengths)

    def services_of(self, fields: dict[str, Any], plan: str | None) -> tuple[str, ...]:
        """The services that contributed to the audited plan: the rubric's contributors field, else the allocation's."""
        if self.contributors_field is not None:
            got = fields.get(self.contributors_field)
            if got not in (None, "", []):
                return split_services(got)
        if plan is not None:
            return self.options.plan_services.get(plan, ())
        return ()

    def _review(
        self, a: dict, grade: str, score: float | None, fields: dict[str, Any], plan: str | None, source: str
    ) -> None:
        self.review_total += 1
        services = () if self.of_provider else self.services_of(fields, plan)
        if services:
            self.review_services.update(services)
        elif not self.of_provider:
            self.review_unrecorded += 1
        self._seq += 1
        rank = self.grades.index(grade)
        key = (rank, -(score if score is not None else 0.0), -self._seq)  # larger: worse, then earlier
        if len(self.review_heap) >= self.options.review_cap and key <= self.review_heap[0][0]:
            return
        answers = a.get("answers")
        if not isinstance(answers, dict):
            answers = {}
        not_met = [
            iid
            for iid, ans in answers.items()
            if iid in self.item_text
            and isinstance(ans, dict)
            and ans.get("applies")
            and ans.get("points") == 0
        ]
        plan_id = fields.get(self.plan_field) if self.plan_field else None
        entry = (
            key,
            {
                "ref": str(a.get("ref") or "–"),
                "grade": grade,
                "score": score,
                "services": services,
                "plan": " ".join(str(plan_id).split()) if plan_id not in (None, "") else None,
                "not_met": [self.item_text[i] for i in not_met],
                "source": source,
                "row": int(a.get("row") or 0),
            },
        )
        if len(self.review_heap) < self.options.review_cap:
            heapq.heappush(self.review_heap, entry)
        else:
            heapq.heapreplace(self.review_heap, entry)

    # ---- results ----
    @property
    def mean_score(self) -> float | None:
        return round(self.score_sum / self.score_n, 1) if self.score_n else None

    @property
    def graded(self) -> int:
        """Scored audits with a grade (at least one criterion applied)."""
        return sum(self.grade_counts.values())

    scored_graded = graded

    def count(self, grade: str) -> int:
        """Audits given a grade, its case ignored (qactl 0.1 wrote "Requires improvement", the frameworks write
        "Requires Improvement"), so an earlier round's grades still compare."""
        n = self.grade_counts.get(grade)
        if n is not None:
            return n
        key = grade.casefold()
        return sum(v for g, v in self.grade_counts.items() if g.casefold() == key)

    def share(self, grade: str) -> float | None:
        return pct(self.count(grade), self.graded)

    def review_count(self) -> int:
        return sum(self.grade_counts.get(g, 0) for g in self.review_set)

    def review_count_as(self, grades: list[str]) -> int:
        """Audits in the given grades, their case ignored (an earlier round, counted by this round's grade names)."""
        return sum(self.count(g) for g in grades)

    def criteria(self) -> list[dict]:
        out = []
        for i in self.items:
            applicable, met, not_met, positive = self.item_counts[i["id"]]
            out.append(
                {
                    "id": i["id"],
                    "text": str(i.get("text") or i["id"]),
                    "section": str(i.get("section") or ""),
                    "theme": i.get("theme"),
                    "applicable": applicable,
                    "fully_met": met,
                    "not_met": not_met,
                    "share": pct(met, applicable),
                    "positive": positive,
                    "positive_share": pct(positive, applicable),
                }
            )
        return out

    def timeliness_result(self) -> Timeliness:
        """:func:`qactl.statutory.timeliness` over this tally's audits: per milestone, and per kind (statutory, target)."""
        if self._timely_result is None:
            self._timely_result = self.timely.result()
        return self._timely_result

    def timeliness(self) -> list[dict]:
        """The milestones with anything due or excused, as the report's rows."""
        out = []
        order = {"statutory": 0, "target": 1, None: 2}  # statutory limits first, then local targets
        for f in sorted(self.timeliness_result()["milestones"], key=lambda f: order.get(f["kind"], 2)):
            if not f["due"] and not f["exception"]:  # nothing due yet: no row of zeros
                continue
            out.append(
                {
                    "id": f["id"],
                    "text": f["text"],
                    "kind": f["kind"],
                    "citation": f["citation"],
                    "limit": f["limit"],
                    "counted": f["due"],
                    "on_time": f["on_time"],
                    "late": f["late"],
                    "missing": f["missing"],
                    "exceptions": f["exception"],
                    "not_due": f["not_due"],
                    "on_time_share": f["rate"],
                    "rate_with_exceptions": f["rate_with_exceptions"],
                    "median_days_late": f["days_late_median"],
                    "reasons_refused": f["reasons_refused"],
                }
            )
        return out

    def review_list(self) -> list[dict]:
        return [e for _, e in sorted(self.review_heap, key=lambda e: e[0], reverse=True)]

    def signature(self) -> tuple:
        """What a comparison between rounds depends on: the criteria and their points, the grades, the method."""
        items = tuple(sorted((str(i["id"]), float(i.get("max") or 0)) for i in self.items))
        return items, tuple(g.casefold() for g in self.grades), str(self.schema.get("method") or "percent")


def theme_results(tallies: list[RubricTally]) -> dict[Origin, dict[str, ThemeResult]]:
    """:func:`qactl.triangulation.verdicts.theme_results` from tallies: the same figures, without holding the audits.

    Per origin (audit, family, practice) and theme: audits with an applying answer on the theme (summed over
    rubrics), the share of applying answers met, and the criteria counted, weakest first.
    """
    from qactl.triangulation.verdicts import CriterionResult, ThemeResult

    acc: dict[Origin, dict[str, list[Any]]] = {}  # origin -> theme -> [audits, answers, met, criteria]
    for t in tallies:
        rid = t.id
        per_theme = acc.setdefault(t.origin, {})
        for iid, theme in t.item_theme.items():
            n, met = t.theme_item_counts[iid]
            if not n:
                continue
            a = per_theme.setdefault(theme, [0, 0, 0, []])
            a[1] += n
            a[2] += met
            a[3].append(
                CriterionResult(
                    rubric=rid, item=iid, text=t.item_text[iid], answers=n, percent_met=_pct1(met, n)
                )
            )
        for f in t.timeliness_result()[
            "milestones"
        ]:  # dates are evidence on timeliness (qactl.triangulation.verdicts.MILESTONE_THEME)
            n, met = f["due"], f["on_time"]
            if not n:
                continue
            a = per_theme.setdefault(MILESTONE_THEME, [0, 0, 0, []])
            a[1] += n
            a[2] += met
            a[3].append(
                CriterionResult(
                    rubric=rid, item=f["id"], text=f["text"], answers=n, percent_met=_pct1(met, n)
                )
            )
        for theme, n in t.theme_audits.items():
            if theme in per_theme:
                per_theme[theme][0] += n
    out: dict[Origin, dict[str, ThemeResult]] = {}
    for origin, per_theme in acc.items():
        for theme, (audits, n, met, criteria) in per_theme.items():
            criteria.sort(key=lambda c: (c["percent_met"], c["rubric"], c["item"]))
            out.setdefault(origin, {})[theme] = ThemeResult(
                audits=audits, answers=n, met=met, percent_met=_pct1(met, n), criteria=criteria
            )
    return out


def _pct1(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def suppress(n: int, min_cell: int) -> str:
    """A count for a table by team, service or key stage: ``<5`` when it is 1 to ``min_cell`` - 1."""
    return f"<{min_cell}" if 0 < n < min_cell else str(n)


def breakdown_rows(t: RubricTally, role: str) -> list[dict]:
    """Rows of one breakdown, small groups suppressed: a group under ``min_cell`` audits shows only ``<5``.

    Groups of providers and schools (the setting of a provider audit) are not suppressed: they are no child's.
    """
    mc = t.options.min_cell if role != "setting" else 1
    out = []
    for value in sorted(t.groups[role], key=lambda v: (v == NOT_RECORDED, _natural(v))):
        n, ssum, sn, grades = t.groups[role][value]
        small = n < mc
        review = sum(grades.get(g, 0) for g in t.review_set)
        out.append(
            {
                "value": value,
                "audits": suppress(n, mc),
                "suppressed": small,
                "mean_score": None if small or not sn else round(ssum / sn, 1),
                "grades": ["–" if small else suppress(grades.get(g, 0), mc) for g in t.grades],
                "review": "–" if small else suppress(review, mc),
            }
        )
    return out


def _natural(text: str) -> list:
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text)]
