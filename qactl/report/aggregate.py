"""Aggregating scored audits into the figures of the Practice Report: pure functions over plain dicts.

One pass over the audits of each rubric (:class:`RubricTally`), holding counts and sums, never the
audits themselves, except a capped heap of the worst-graded ones for the services to review.
Privacy is applied here, at the source: only non-pii fields with a grouping role are read, and action
comments are redacted before they are kept.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qactl import timeliness as timely
from qactl.report.redact import redactor
from qactl.report.themes import Matcher
from qactl.triangulate import MILESTONE_COUNTED, MILESTONE_THEME

GROUP_ROLES = ("service", "team", "key_stage")
NOT_RECORDED = "Not recorded"
_NO_PII = redactor([])
_SEPARATOR = " qactlcommentbreak "  # a word no pattern has, between an audit's comments


@dataclass(frozen=True)
class Options:
    """What shapes the figures (not the look)."""

    min_cell: int = 5
    top: int = 5  # criteria listed as most / least often fully met
    review_cap: int = 100  # audits listed for the services to review, per rubric
    actions_cap: int = 10  # distinct auditor actions listed, per rubric


def pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def review_grades(grades: list[str]) -> list[str]:
    """The grades whose audits go back to the services: the two lowest (the lowest when a rubric has two)."""
    return grades[-2:] if len(grades) >= 3 else grades[-1:]


@dataclass
class RubricTally:
    """Counts and sums for one rubric over any number of scored files."""

    schema: dict[str, Any]
    rubric: dict[str, Any]
    matcher: Matcher | None = None
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
        self.grades: list[str] = list(s.get("grades") or [])
        self.grade_counts: Counter[str] = Counter()
        self.items: list[dict] = [i for i in s.get("items") or [] if isinstance(i, dict) and i.get("id")]
        # per item: [applicable, fully met, not met]
        self.item_counts: dict[str, list[int]] = {i["id"]: [0, 0, 0] for i in self.items}
        self.item_top: dict[str, str | None] = {i["id"]: (i.get("labels") or [None])[0] for i in self.items}
        self.sections: dict[str, list[float]] = {}  # section -> [sum, n]
        fields = [f for f in s.get("fields") or [] if isinstance(f, dict)]
        self.pii_fields = [f["id"] for f in fields if f.get("pii")]
        self.group_fields: dict[str, dict] = {}
        for role in GROUP_ROLES:
            f = next((f for f in fields if f.get("role") == role and not f.get("pii")), None)
            if f:
                self.group_fields[role] = f
        self.group_ids = [(role, f["id"]) for role, f in self.group_fields.items()]
        self._norm: dict[str, str] = {}  # raw value -> value with its spaces tidied (values repeat)
        # role -> value -> [audits, score_sum, score_n, Counter(grades)]
        self.groups: dict[str, dict[str, list]] = {role: {} for role in self.group_fields}
        self.milestones: list[dict] = [m for m in s.get("milestones") or [] if isinstance(m, dict) and m.get("id")]
        self.ms_counts: dict[str, Counter[str]] = {m["id"]: Counter() for m in self.milestones}
        # statutory limits and local targets, counted by the one definition of timeliness (qactl.timeliness)
        self.timely = timely.Tally(s)
        comments = [c for c in s.get("comments") or [] if isinstance(c, dict) and c.get("id")]
        self.action_comments = [c["id"] for c in comments if c.get("actions")]
        self.action_set = set(self.action_comments)
        self.theme_counts: Counter[str] = Counter()
        self.action_theme_counts: Counter[str] = Counter()
        self.commented = 0
        self.actions: Counter[str] = Counter()
        self.action_first: dict[str, int] = {}
        self.action_text: dict[str, str] = {}
        self.review_set = set(review_grades(self.grades))
        plan = next((f for f in fields if f.get("role") == "plan_id" and not f.get("pii")), None)
        self.plan_field: str | None = plan["id"] if plan else None
        self.plans: Counter[str] = Counter()  # plan id -> audits returned (scored or not), for completion
        self.review_total = 0
        self.review_heap: list[tuple] = []
        self._seq = 0
        # triangulation (qactl.triangulate.theme_results, computed in this pass): per themed item [answers, met]
        from qactl.triangulate import MET_AT, origin_of

        self.origin = origin_of(str(self.rubric.get("id") or ""))
        self.met_at = MET_AT[self.origin]
        self.item_theme: dict[str, str] = {i["id"]: str(i["theme"]) for i in self.items if i.get("theme")}
        self.theme_item_counts: dict[str, list[int]] = {iid: [0, 0] for iid in self.item_theme}
        self.theme_audits: Counter[str] = Counter()  # theme -> audits with at least one applying answer on it

    # ---- the one pass ----
    def add_file(self, doc: dict[str, Any], source: str) -> None:
        self.sources.append(source)
        self.timely.add_file(doc, ())  # the file's format: one scored by qactl 0.1 cannot be split by kind
        rnd = doc.get("round")
        if rnd and rnd not in self.rounds:
            self.rounds.append(str(rnd))
        for audit in doc.get("audits") or []:
            self.add(audit, source)

    def add(self, a: dict[str, Any], source: str) -> None:
        self.rows += 1
        status = a.get("status")
        if status == "duplicate":
            self.duplicates += 1
            return
        if self.plan_field is not None:
            pid = (a.get("fields") or {}).get(self.plan_field)
            if pid not in (None, ""):
                self.plans[" ".join(str(pid).split()).casefold()] += 1
        if status != "scored":
            self.with_errors += 1
            return
        self.scored += 1
        self.timely.add(a)
        when = a.get("audit_date")
        if when and (self.last_date is None or str(when) > self.last_date):
            self.last_date = str(when)
        grade = a.get("grade")
        score = a.get("score")
        if grade is not None:
            self.grade_counts[grade] += 1
        has_score = isinstance(score, int | float)
        if has_score:
            self.score_sum += score
            self.score_n += 1
        counts = self.item_counts
        item_theme = self.item_theme
        touched: set[str] | None = set() if item_theme else None
        for iid, ans in (a.get("answers") or {}).items():
            c = counts.get(iid)
            if c is None:
                continue
            try:
                pts = ans["points"]
                if pts is None or not ans["applies"]:
                    if pts is None and ans["applies"] and ans["answer"] is not None:  # an answer without points
                        c[0] += 1
                        c[1] += ans["answer"] == self.item_top.get(iid)
                    continue
                c[0] += 1
                if pts >= ans["max"]:
                    c[1] += 1
                elif pts <= 0:
                    c[2] += 1
                if touched is not None and iid in item_theme and ans["max"]:
                    tc = self.theme_item_counts[iid]
                    tc[0] += 1
                    tc[1] += pts >= self.met_at * ans["max"] - 1e-9
                    touched.add(item_theme[iid])
            except (KeyError, TypeError):
                continue
        if touched:
            self.theme_audits.update(touched)
        for name, sec in (a.get("sections") or {}).items():
            sc = sec.get("score") if isinstance(sec, dict) else None
            if isinstance(sc, int | float):
                acc = self.sections.setdefault(name, [0.0, 0])
                acc[0] += sc
                acc[1] += 1
        fields = a.get("fields") or {}
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
            if has_score:
                g[1] += score
                g[2] += 1
            if grade is not None:
                g[3][grade] += 1
        timed = False
        for mid, m in (a.get("milestones") or {}).items():
            mc = self.ms_counts.get(mid)
            if mc is None or not isinstance(m, dict):
                continue
            st = m.get("status")
            mc[st] += 1
            timed = timed or st in MILESTONE_COUNTED
        if timed and not (touched and MILESTONE_THEME in touched):
            self.theme_audits[MILESTONE_THEME] += 1
        comments = a.get("comments") or {}
        if comments:
            self._comments(comments, fields)
        if grade in self.review_set:
            self._review(a, grade, score, values, source)

    def _comments(self, comments: dict[str, Any], fields: dict[str, Any]) -> None:
        texts = {k: v if isinstance(v, str) else str(v) for k, v in comments.items() if v is not None and str(v).strip()}
        if not texts:
            return
        self.commented += 1
        matcher = self.matcher
        found: dict[str, set[str]] = {}
        if matcher is not None:  # each comment scanned once: the action comments alone, the others together
            rest = [t for k, t in texts.items() if k not in self.action_set]
            every = matcher.themes_in(_SEPARATOR.join(rest)) if rest else set()
            for cid in self.action_comments:
                if cid in texts:
                    found[cid] = matcher.themes_in(texts[cid])
                    every |= found[cid]
            self.theme_counts.update(every)
        for cid in self.action_comments:
            text = texts.get(cid)
            if text is None:
                continue
            pii = [str(fields[f]) for f in self.pii_fields if fields.get(f) not in (None, "")]
            clean = " ".join((redactor(pii) if pii else _NO_PII)(text).split())
            if cid in found:
                self.action_theme_counts.update(found[cid])
            key = clean.rstrip(".").casefold()
            if key not in self.action_first:
                self.action_first[key] = len(self.action_first)
                self.action_text[key] = clean
            self.actions[key] += 1

    def _review(self, a: dict, grade: str, score: Any, values: dict[str, str], source: str) -> None:
        self.review_total += 1
        self._seq += 1
        rank = self.grades.index(grade) if grade in self.grades else 0
        key = (rank, -(score if isinstance(score, int | float) else 0.0), -self._seq)  # larger: worse, then earlier
        entry = (key, {
            "ref": str(a.get("ref") or "–"), "grade": grade, "score": score if isinstance(score, int | float) else None,
            "team": values.get("team"), "service": values.get("service"), "source": source, "row": int(a.get("row") or 0),
        })
        if len(self.review_heap) < self.options.review_cap:
            heapq.heappush(self.review_heap, entry)
        elif key > self.review_heap[0][0]:
            heapq.heapreplace(self.review_heap, entry)

    # ---- results ----
    @property
    def mean_score(self) -> float | None:
        return round(self.score_sum / self.score_n, 1) if self.score_n else None

    def count(self, grade: str) -> int:
        """Audits given a grade, its case ignored (qactl 0.1 wrote "Requires improvement", the frameworks write
        "Requires Improvement"), so an earlier round's grades still compare."""
        n = self.grade_counts.get(grade)
        if n is not None:
            return n
        key = grade.casefold()
        return sum(v for g, v in self.grade_counts.items() if g.casefold() == key)

    def share(self, grade: str) -> float | None:
        return pct(self.count(grade), self.scored_graded)

    @property
    def scored_graded(self) -> int:
        return sum(self.grade_counts.values())

    def criteria(self) -> list[dict]:
        out = []
        for i in self.items:
            applicable, met, not_met = self.item_counts[i["id"]]
            out.append({
                "id": i["id"], "text": str(i.get("text") or i["id"]), "section": str(i.get("section") or ""),
                "theme": i.get("theme"), "applicable": applicable, "fully_met": met, "not_met": not_met,
                "share": pct(met, applicable),
            })
        return out

    def timeliness(self) -> list[dict]:
        """Each milestone, statutory limits first then local targets, as :mod:`qactl.timeliness` counts them."""
        out = []
        result = self.timely.result()
        order = {"statutory": 0, "target": 1, None: 2}
        for f in sorted(result["milestones"], key=lambda f: order[f["kind"]]):
            if not f["due"] and not f["exception"] and not f["not_due"]:
                continue
            out.append(_line(f, f["id"], f["text"], f["limit"]))
        return out

    def timeliness_summary(self) -> dict | None:
        """Statutory limits (excused dates out of the denominator, as SEN2 counts) and local targets, apart."""
        result = self.timely.result()
        if not result["milestones"]:
            return None
        kinds = {}
        for kind, what in (("statutory", "Statutory time limits"), ("target", "Local targets")):
            k = result[kind]
            kinds[kind] = _line(k, kind, what, None) if k["milestones"] else None
        return {
            "comparable": result["comparable"], "audits": result["audits"],
            "audits_breached": result["statutory"]["audits_breached"], "statutory": kinds["statutory"],
            "target": kinds["target"], "notes": result["notes"],
        }

    def review_list(self) -> tuple[list[dict], int]:
        shown = [e for _, e in sorted(self.review_heap, key=lambda e: e[0], reverse=True)]
        return shown, self.review_total - len(shown)

    def top_actions(self) -> list[tuple[str, int]]:
        texts = self.action_text
        ranked = sorted(self.actions.items(), key=lambda kv: (-kv[1], self.action_first[kv[0]]))
        return [(texts[k], n) for k, n in ranked[: self.options.actions_cap]]


def _line(f: dict, fid: str, text: str, limit: str | None) -> dict:
    """A row of the report's timeliness tables from a :mod:`qactl.timeliness` figure."""
    return {
        "id": fid, "text": text, "limit": limit, "kind": f.get("kind"), "citation": f.get("citation"),
        "counted": f["due"], "on_time": f["on_time"], "late": f["late"], "missing": f["missing"],
        "exceptions": f["exception"], "not_due": f["not_due"], "on_time_share": f["rate"],
        "rate_with_exceptions": f["rate_with_exceptions"], "median_days_late": f["days_late_median"],
        "reasons_refused": f["reasons_refused"],
    }


def theme_results(tallies: list[RubricTally]) -> dict[str, dict[str, dict]]:
    """:func:`qactl.triangulate.theme_results` from tallies: the same figures, without holding the audits.

    Per origin (audit, family, practice) and theme: audits with an applying answer on the theme (summed over
    rubrics), the share of applying answers met, and the criteria counted, weakest first.
    """
    from qactl.triangulate import CriterionResult, ThemeResult

    acc: dict[str, dict[str, list]] = {}  # origin -> theme -> [audits, answers, met, criteria]
    for t in tallies:
        rid = str(t.rubric.get("id") or "")
        texts = {i["id"]: str(i.get("text") or i["id"]) for i in t.items}
        per_theme = acc.setdefault(t.origin, {})
        for iid, theme in t.item_theme.items():
            n, met = t.theme_item_counts[iid]
            if not n:
                continue
            a = per_theme.setdefault(theme, [0, 0, 0, []])
            a[1] += n
            a[2] += met
            a[3].append(CriterionResult(rubric=rid, item=iid, text=texts[iid], answers=n, percent_met=_pct1(met, n)))
        for m in t.milestones:  # statutory dates are evidence on timeliness (qactl.triangulate.MILESTONE_THEME)
            mc = t.ms_counts[m["id"]]
            n = sum(mc[st] for st in MILESTONE_COUNTED)
            if not n:
                continue
            met = sum(mc[st] for st, ok in MILESTONE_COUNTED.items() if ok)
            a = per_theme.setdefault(MILESTONE_THEME, [0, 0, 0, []])
            a[1] += n
            a[2] += met
            a[3].append(CriterionResult(rubric=rid, item=m["id"], text=str(m.get("text") or m["id"]), answers=n, percent_met=_pct1(met, n)))
        for theme, n in t.theme_audits.items():
            if theme in per_theme:
                per_theme[theme][0] += n
    out: dict[str, dict[str, dict]] = {}
    for origin, per_theme in acc.items():
        for theme, (audits, n, met, criteria) in per_theme.items():
            criteria.sort(key=lambda c: (c["percent_met"], c["rubric"], c["item"]))
            out.setdefault(origin, {})[theme] = ThemeResult(audits=audits, percent_met=_pct1(met, n), criteria=criteria)
    return out


def _pct1(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def suppress(n: int, min_cell: int) -> str:
    """A count for a breakdown table: ``<5`` when it is 1 to ``min_cell`` - 1."""
    return f"<{min_cell}" if 0 < n < min_cell else str(n)


def breakdown_rows(t: RubricTally, role: str) -> list[dict]:
    """Rows of one breakdown, small groups suppressed: a group under ``min_cell`` audits shows only ``<5``."""
    mc = t.options.min_cell
    out = []
    for value in sorted(t.groups[role], key=lambda v: (v == NOT_RECORDED, _natural(v))):
        n, ssum, sn, grades = t.groups[role][value]
        small = n < mc
        review = sum(grades.get(g, 0) for g in t.review_set)
        out.append({
            "value": value, "audits": suppress(n, mc), "suppressed": small,
            "mean_score": None if small or not sn else round(ssum / sn, 1),
            "grades": ["–" if small else suppress(grades.get(g, 0), mc) for g in t.grades],
            "review": "–" if small else suppress(review, mc),
        })
    return out


def _natural(text: str) -> list:
    import re

    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text)]
