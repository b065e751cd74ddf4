"""Why no allocation exists, in a QA officer's terms: the Hall violator read off a maximum flow (König).

After a maximum flow, the nodes still reachable from the source in the residual graph form the
source side S of a minimum cut. The plans in S are a bottleneck: every audit they still need must go
to auditors in S, whose places are all taken. With one audit per plan, their auditors are exactly the
auditors in S (each plan in S sends its one unit inside S), so "these plans can only be audited by
these auditors, who have k places between them" is the certificate: |demand| > k, and no allocation
can change it.
"""

from __future__ import annotations

import numpy as np


def _names(items: list[str], limit: int = 12) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def bottleneck(inst, flow_state) -> dict:
    """The plans and auditors at the bottleneck: ``{"plans": [...], "auditors": [...], "need", "places", "spill"}`` (indices)."""
    from scipy.sparse.csgraph import breadth_first_order

    g, res = flow_state
    residual = (g["matrix"] - res.flow).tocsr()
    residual.data[residual.data < 0] = 0
    residual.eliminate_zeros()
    reach = breadth_first_order(residual, g["source"], directed=True, return_predecessors=False)
    in_s = np.zeros(g["n"], dtype=bool)
    in_s[reach] = True
    n_p, n_a = len(inst.demand), len(inst.cap)
    plans = [p for p in range(n_p) if in_s[g["plans0"] + p]]
    aud_in_s = {a for a in range(n_a) if in_s[g["auds0"] + a]}
    plan_set = set(plans)
    neighbours = sorted({int(a) for p, a in zip(inst.arc_plan.tolist(), inst.arc_aud.tolist(), strict=True) if p in plan_set})
    inside = [a for a in neighbours if a in aud_in_s]
    outside = [a for a in neighbours if a not in aud_in_s]
    need = int(sum(int(inst.demand[p]) for p in plans))
    places = int(sum(int(inst.cap[a]) for a in inside))
    return {"plans": plans, "auditors": inside, "others": outside, "need": need, "places": places, "short": need - places}


def message(inst, flow_state, plan_ids: list[str], auditor_ids: list[str], placed: int) -> str:
    """The one-paragraph explanation for :class:`InfeasibleError`."""
    b = bottleneck(inst, flow_state)
    plans = [plan_ids[p] for p in b["plans"]]
    auds = [auditor_ids[a] for a in b["auditors"]]
    total = int(inst.demand.sum())
    moderated = any(inst.demand[p] > 1 for p in b["plans"])
    head = f"No allocation meets the rules: only {placed} of the {total} audits can be placed."
    if not auds and not b["others"]:
        what = f"{'Plan' if len(plans) == 1 else 'Plans'} {_names(plans)} can be audited by no available auditor (every one contributed to {'it' if len(plans) == 1 else 'them'} or is unavailable)"
    elif not auds:
        others = _names([auditor_ids[a] for a in b["others"]])
        what = (f"{'Plan' if len(plans) == 1 else 'Plans'} {_names(plans)} {'needs' if len(plans) == 1 else 'need'} a moderator from another service, "
                f"but the auditors {'it' if len(plans) == 1 else 'they'} can go to ({others}) cannot give two auditors from different services")
    else:
        noun = "Plan" if len(plans) == 1 else "Plans"
        what = f"{noun} {_names(plans)} can only be audited by {_names(auds)}, who {'has' if len(auds) == 1 else 'have'} {b['places']} place{'s' if b['places'] != 1 else ''} between them"
        if b["need"] != len(plans):
            what += f", and {'it needs' if len(plans) == 1 else 'they need'} {b['need']} audits"
        if b["others"]:
            what += f" (moderated plans need their two auditors from different services; {_names([auditor_ids[a] for a in b['others']])} can take only one of them each)"
    hint = "Add an auditor without a conflict, raise a capacity, or lower --sample"
    hint += " or --moderation." if moderated or inst.demand.max(initial=1) > 1 else "."
    return f"{head} {what}. {hint}"
