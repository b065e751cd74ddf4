"""Who has not returned their audits yet: the allocation against the scored returns, auditor by auditor.

Three weeks into a round the QA officer's question is "who hasn't sent their audits in?". ``qactl chase``
reads the round's allocation (``qactl allocate -o allocation.json``) and the scored files of its audit
(``qactl score … -o returns.json``) and answers it, with a reminder to send to each auditor who owes one.

How a return is matched to what was allocated:

* **By plan ID**, when the rubric has a field with ``role: plan_id``: a return counts for the auditor the
  allocation gave that plan to. A plan with two auditors (moderation) needs to know which of them sent it: the
  return's auditor (its ``role: auditor`` field, or Microsoft Forms' own Name and Email columns) is matched
  against the cohort by email or name. Two returns of a two-auditor plan count for both, whoever sent them.
* **By the auditor's name or email** against the cohort, when the rubric has no plan ID: a return counts for
  the auditor it names, up to the number of audits they were given.
* Anything else is **unmatched** and listed with the reason (a plan not in the allocation, a plan ID typed
  wrong, a return by someone the plan was not given to, one return for a two-auditor plan that names neither,
  more returns than audits), never guessed. Duplicate submissions (as ``score`` marks them) do not count.

A return with errors to fix still counts as returned (the work was done); it is shown beside the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qactl.errors import InputError, QactlError

if TYPE_CHECKING:
    from qactl.results import AllocationAuditor, AllocationPlan, Audit, ScoredFile

ROLE_WORDS = {"primary": "Audit", "moderation": "Moderation (second audit)"}
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"}


@dataclass
class Owed:
    """One allocated audit: a plan, who it went to, in which role."""

    plan_id: str
    auditor_id: str
    role: str
    setting: str = ""
    key_stage: str = ""
    returned: bool = False
    with_errors: bool = False

    def words(self) -> str:
        detail = [x for x in (self.setting, self.key_stage) if x]
        if self.role == "moderation":
            detail.append("moderation")
        return self.plan_id + (f" ({', '.join(detail)})" if detail else "")


@dataclass
class Person:
    id: str
    name: str = ""
    email: str = ""
    service: str = ""
    owed: list[Owed] = field(default_factory=list)
    returned_unplaced: int = 0  # by name, with no plan ID: how many returned (which plans is not known)
    errors_unplaced: int = 0

    @property
    def allocated(self) -> int:
        return len(self.owed)

    @property
    def returned(self) -> int:
        return sum(o.returned for o in self.owed) + self.returned_unplaced

    @property
    def outstanding(self) -> int:
        return max(self.allocated - self.returned, 0)

    @property
    def with_errors(self) -> int:
        return sum(o.with_errors for o in self.owed) + self.errors_unplaced

    def outstanding_plans(self) -> list[Owed]:
        """The plans still to come; with returns matched by name only, every plan not known to be returned."""
        return [o for o in self.owed if not o.returned] if self.outstanding else []


@dataclass
class Unmatched:
    """A return that could not be placed against the allocation, and why."""

    file: str
    row: int
    plan: str  # as written in the return
    who: str  # the auditor as the return names them
    why: str
    whom: str | None = None  # the cohort member the return names, when known


@dataclass
class Chase:
    round: str | None
    due: date
    today: date
    form: str
    form_link: str
    rubric: str | None
    by: str  # "plan ID" or "the auditor's name or email"
    people: list[Person]
    unmatched: list[Unmatched]
    files: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def allocated(self) -> int:
        return sum(p.allocated for p in self.people)

    @property
    def returned(self) -> int:
        return sum(min(p.returned, p.allocated) for p in self.people)

    def owing(self) -> list[Person]:
        """Auditors with audits outstanding, most outstanding first, then by name."""
        return sorted(
            (p for p in self.people if p.outstanding), key=lambda p: (-p.outstanding, p.name or p.id)
        )


def when_due(days_left: int) -> str:
    """``in 7 days``, ``today``, ``1 day ago``: how the due date stands."""
    if days_left > 1:
        return f"in {days_left} days"
    if days_left == 1:
        return "tomorrow"
    if days_left == 0:
        return "today"
    return f"{-days_left} day{'s' if days_left != -1 else ''} ago"


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold() if text not in (None, "") else ""


def _name_key(text: Any) -> str:
    words = [w for w in re.split(r"[\s,.]+", _norm(text)) if w and w not in _TITLES]
    return " ".join(words)


class Cohort:
    """Who is who: cohort members by email and by name (a name two people share identifies neither)."""

    def __init__(self, people: list[Person]) -> None:
        self.by_email: dict[str, str] = {}
        self.by_name: dict[str, str | None] = {}
        for p in people:
            if p.email:
                self.by_email[_norm(p.email)] = p.id
            if p.name:
                k = _name_key(p.name)
                self.by_name[k] = None if k in self.by_name and self.by_name[k] != p.id else p.id

    def who(self, names: list[Any], emails: list[Any]) -> str | None:
        for e in emails:
            if _norm(e) in self.by_email:
                return self.by_email[_norm(e)]
        found = {self.by_name.get(_name_key(n)) for n in names if _name_key(n) in self.by_name}
        found.discard(None)
        return found.pop() if len(found) == 1 else None


def _plan_field(doc: ScoredFile) -> str | None:
    return next(
        (
            f["id"]
            for f in (doc.get("schema") or {}).get("fields", [])
            if f.get("role") == "plan_id" and not f.get("pii")
        ),
        None,
    )


def _which_rubric(docs: list[tuple[Path, ScoredFile]], plans: set[str]) -> str:
    """The audit an allocation that does not say (one written before ``--rubric``) is for: the rubric whose returns
    name most of its plans, else the one rubric given; else the user must say, with ``--rubric``."""
    hits: dict[str, int] = {}
    for _, doc in docs:
        field_id = _plan_field(doc)
        if field_id:
            rid = doc["rubric"]["id"]
            hits[rid] = hits.get(rid, 0) + sum(
                _norm(a["fields"].get(field_id)) in plans for a in doc["audits"]
            )
    if hits and max(hits.values()) > 0:
        return max(hits, key=lambda r: hits[r])
    ids = {doc["rubric"]["id"] for _, doc in docs}
    if len(ids) == 1:
        return ids.pop()
    raise InputError(
        f"The allocation does not say which audit it is for, and the scored files are of {len(ids)} "
        f"({', '.join(sorted(ids))}): say which with --rubric ID."
    )


def chase(
    allocation: str | Path,
    scored: list[str | Path],
    *,
    cohort: str | Path | None = None,
    rubric: str | None = None,
    today: date | None = None,
) -> Chase:
    """Allocated against returned, per auditor. Raises :class:`InputError` when nothing given can be counted.

    ``rubric``: the audit whose returns count (default: the one the allocation names)."""
    from qactl import clock
    from qactl.results import read_allocation, read_scored
    from qactl.rubric.loader import resolve

    alloc = read_allocation(Path(allocation))
    options = alloc.get("options") or {}
    docs = [(p, read_scored(p)) for p in map(Path, scored)]
    rubric_id = (
        rubric
        or options.get("rubric")
        or _which_rubric(docs, {_norm(x["plan_id"]) for x in alloc["assignments"]})
    )
    sample: dict[str, AllocationPlan] = {s["plan_id"]: s for s in alloc.get("sample") or []}
    listed: dict[str, AllocationAuditor] = {a["id"]: a for a in alloc.get("auditors") or []}
    if cohort is not None:
        from qactl.allocation.inputs import read_cohort

        listed = {
            a.id: {"id": a.id, "name": a.name, "email": a.email, "service": a.service}
            for a in read_cohort(Path(cohort)).records
        }
    people: dict[str, Person] = {}
    for x in alloc["assignments"]:
        entry = listed.get(x["auditor_id"])
        p = people.setdefault(
            x["auditor_id"],
            Person(x["auditor_id"], *_contact(entry)) if entry else Person(x["auditor_id"], "", "", ""),
        )
        planned = sample.get(x["plan_id"])
        p.owed.append(
            Owed(
                x["plan_id"],
                x["auditor_id"],
                x["role"],
                (planned.get("setting") or "") if planned else "",
                (planned.get("key_stage") or "") if planned else "",
            )
        )
    everyone = Cohort([Person(i, *_contact(a)[:2]) for i, a in listed.items()])
    notes: list[str] = []
    if not any(p.email for p in people.values()):
        notes.append(
            "The allocation names no email addresses: give --cohort (the cohort file) for the mail merge's emails."
        )
    form = ""
    if rubric_id:
        try:
            form = resolve(rubric_id).rubric.title
        except (
            QactlError
        ):  # a rubric no longer on this machine: the chase still works, the form is named by its id
            form = str(rubric_id)
    files: list[dict[str, Any]] = []
    unmatched: list[Unmatched] = []
    by = ""
    owed_by_plan: dict[str, list[Owed]] = {}
    for p in people.values():
        for o in p.owed:
            owed_by_plan.setdefault(_norm(o.plan_id), []).append(o)
    counted = 0
    for path, doc in docs:
        rid = doc["rubric"]["id"]
        if rid != rubric_id:
            files.append({"file": path.name, "rubric": rid, "counted": 0, "note": f"{rid}, not {rubric_id}"})
            continue
        counted += 1
        schema = doc.get("schema") or {}
        plan_field = _plan_field(doc)
        who_fields = [
            f["id"] for f in schema.get("fields", []) if f.get("role") == "auditor" and not f.get("pii")
        ]
        by = "plan ID" if plan_field else "the auditor's name or email"
        n = 0
        pending: dict[str, list[tuple[Audit, str | None, str]]] = {}
        for a in doc["audits"]:
            if a["status"] == "duplicate":
                continue
            n += 1
            f = a["fields"]
            names = [f.get(k) for k in who_fields] + [f.get("respondent")]
            emails = [f.get("respondent_email")] + [v for v in names if isinstance(v, str) and "@" in v]
            said = next((str(v) for v in [*names, *emails] if v), "")
            whom = everyone.who([v for v in names if v], [v for v in emails if v])
            if plan_field:
                plan = f.get(plan_field)
                if plan in (None, ""):
                    unmatched.append(Unmatched(path.name, a["row"], "", said, "The return gives no plan ID."))
                elif _norm(plan) not in owed_by_plan:
                    unmatched.append(
                        Unmatched(
                            path.name,
                            a["row"],
                            str(plan),
                            said,
                            f"Plan {plan} is not in this allocation: a plan ID typed wrong, or a plan not given out this round.",
                            whom,
                        )
                    )
                else:
                    pending.setdefault(_norm(plan), []).append((a, whom, said))
            else:
                _by_name(people, a, whom, said, path.name, unmatched)
        for key, returns in pending.items():
            _by_plan(owed_by_plan[key], returns, people, path.name, unmatched)
        files.append({"file": path.name, "rubric": rid, "counted": n, "round": doc.get("round")})
    other = [f["file"] for f in files if f.get("note")]
    if other:
        notes.append(f"Not counted, as returns of audits other than {rubric_id}: {', '.join(other)}.")
    _suggest(unmatched, people)
    if not counted:
        raise InputError(
            f"None of the scored files is of the audit this allocation is for ({rubric_id}): "
            f"give the {rubric_id} returns scored with `qactl score {rubric_id} … -o returns.json`."
        )
    order = {i: k for k, i in enumerate(listed)}
    return Chase(
        round=alloc.get("round"),
        due=date.fromisoformat(alloc["due"]),
        today=today or clock.today(),
        form=form,
        form_link=options.get("form_link") or "",
        rubric=rubric_id,
        by=by,
        people=sorted(people.values(), key=lambda p: order.get(p.id, len(order))),
        unmatched=sorted(unmatched, key=lambda u: (u.file, u.row)),
        files=files,
        notes=notes,
    )


def _suggest(unmatched: list[Unmatched], people: dict[str, Person]) -> None:
    """For a plan ID not in the allocation, name the close one its auditor still owes, if there is one (a hint to
    check, never counted)."""
    from difflib import get_close_matches

    for u in unmatched:
        if u.whom in people and u.plan and "not in this allocation" in u.why:
            owed = {_norm(o.plan_id): o.plan_id for o in people[u.whom].owed if not o.returned}
            near = get_close_matches(_norm(u.plan), list(owed), n=1, cutoff=0.8)
            if near:
                u.why += (
                    f" {people[u.whom].name or u.whom} still owes {owed[near[0]]}: if that is the plan, correct the "
                    "plan ID in the export, score it again and run chase again."
                )


def _contact(entry: AllocationAuditor) -> tuple[str, str, str]:
    """An auditor's name, email and service, as far as the allocation (or the cohort) gives them."""
    return entry.get("name") or "", entry.get("email") or "", entry.get("service") or ""


def _mark(o: Owed, a: Audit) -> None:
    o.returned = True
    o.with_errors = a["status"] == "error"


def _by_plan(
    owed: list[Owed],
    returns: list[tuple[Audit, str | None, str]],
    people: dict[str, Person],
    file: str,
    unmatched: list[Unmatched],
) -> None:
    """Place the returns of one plan against its allocated audits (one, or two with moderation)."""
    plan = owed[0].plan_id
    anonymous = []
    for a, whom, said in returns:
        mine = next((o for o in owed if o.auditor_id == whom), None) if whom else None
        if whom is None:
            anonymous.append((a, said))
        elif mine is None:
            name = people[whom].name if whom in people else said
            unmatched.append(
                Unmatched(
                    file, a["row"], plan, said, f"Returned by {name or said}, who was not given plan {plan}."
                )
            )
        elif mine.returned:
            unmatched.append(
                Unmatched(file, a["row"], plan, said, f"A second return of plan {plan} by the same auditor.")
            )
        else:
            _mark(mine, a)
    left = [o for o in owed if not o.returned]
    if not anonymous:
        return
    if len(anonymous) <= len(left) and (len(left) == 1 or len(anonymous) == len(left)):
        for (a, _), o in zip(anonymous, left, strict=False):
            _mark(o, a)
        return
    for a, said in anonymous:
        if not left:
            why = f"More returns of plan {plan} than audits allocated ({len(owed)})."
        else:
            why = (
                f"Plan {plan} has {len(owed)} auditors and this return does not say which of them sent it "
                f"(it names {said or 'no one'}, who is not in the cohort)."
            )
        unmatched.append(Unmatched(file, a["row"], plan, said, why))


def _by_name(
    people: dict[str, Person], a: Audit, whom: str | None, said: str, file: str, unmatched: list[Unmatched]
) -> None:
    """With no plan ID: a return counts for the auditor it names, up to the audits they were given."""
    if whom is None or whom not in people:
        unmatched.append(
            Unmatched(
                file,
                a["row"],
                "",
                said,
                f"The return names {said or 'no one'}, who has no audits in this allocation.",
            )
        )
        return
    p = people[whom]
    if p.returned >= p.allocated:
        unmatched.append(
            Unmatched(
                file,
                a["row"],
                "",
                said,
                f"More returns from {p.name or p.id} than the {p.allocated} audits given.",
            )
        )
        return
    p.returned_unplaced += 1
    p.errors_unplaced += a["status"] == "error"
