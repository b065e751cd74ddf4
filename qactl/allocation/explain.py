"""Why no allocation exists, in a QA officer's terms: the Hall violator read off a maximum flow (König).

After a maximum flow, the nodes still reachable from the source in the residual graph form the
source side S of a minimum cut. The plans in S are a bottleneck: every audit they still need must go
to auditors in S, whose places are all taken. With one audit per plan, their auditors are exactly the
auditors in S (each plan in S sends its one unit inside S), so "these plans can only be audited by
these auditors, who have k places between them" is the certificate: |demand| > k, and no allocation
can change it. The solver (``solve.Bottleneck``) reads this set off its first aim; when a large round
lists only some pairs, it has checked that no pair it did not list leads out of the set, so the cut holds
for every allowed pair.
"""

from __future__ import annotations

from qactl.allocation.solve import Bottleneck


def _names(items: list[str], limit: int = 12) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def message(b: Bottleneck, plan_ids: list[str], auditor_ids: list[str], *, moderation: bool) -> str:
    """The one-paragraph explanation for :class:`InfeasibleError`; ``moderation``: the round has moderated plans."""
    plans = [plan_ids[p] for p in b.plans]
    auds = [auditor_ids[a] for a in b.auditors]
    moderated = b.need != len(b.plans)
    head = f"No allocation meets the rules: only {b.placed} of the {b.total} audits can be placed."
    if not auds and not b.others:
        what = f"{'Plan' if len(plans) == 1 else 'Plans'} {_names(plans)} can be audited by no available auditor (every one contributed to {'it' if len(plans) == 1 else 'them'} or is unavailable)"
    elif not auds:
        others = _names([auditor_ids[a] for a in b.others])
        what = (
            f"{'Plan' if len(plans) == 1 else 'Plans'} {_names(plans)} {'needs' if len(plans) == 1 else 'need'} a moderator from another service, "
            f"but the auditors {'it' if len(plans) == 1 else 'they'} can go to ({others}) cannot give two auditors from different services"
        )
    else:
        noun = "Plan" if len(plans) == 1 else "Plans"
        what = f"{noun} {_names(plans)} can only be audited by {_names(auds)}, who {'has' if len(auds) == 1 else 'have'} {b.places} place{'s' if b.places != 1 else ''} between them"
        if b.need != len(plans):
            what += f", and {'it needs' if len(plans) == 1 else 'they need'} {b.need} audits"
        if b.others:
            what += f" (moderated plans need their two auditors from different services; {_names([auditor_ids[a] for a in b.others])} can take only one of them each)"
    hint = "Add an auditor without a conflict, raise a capacity, or lower --sample"
    hint += " or --moderation." if moderated or moderation else "."
    return f"{head} {what}. {hint}"
