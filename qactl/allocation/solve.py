"""The exact solver: a min-cost flow over the hard rules, the soft aims optimised one after another.

The network (one unit of flow = one audit)::

    plan p (supply 1, or 2 if moderated) ──► [moderated: (p, service s), capacity 1] ──► (auditor a, team t)
        ──► auditor a (capacity cap_a; in the team aim its k-th plan from team t costs k)
        ──► sink (capacity cap_a; in the fill aim the k-th place costs k: convex, so places fill evenly)

Only allowed arcs exist (no conflict of interest, available auditors only). The (p, s) layer makes a
moderated plan's two auditors come from two different services, so primary and moderation are solved
jointly.

**Lexicographic, in stages.** The aims, in order: keep a previous assignment (``--keep``) ≻ fill places
evenly ≻ outside one's own service ≻ no repeated pair from the history ≻ agencies mixed across teams. Each
is solved as its own min-cost flow with costs 0, 1 or k (``flow.min_cost_flow``), never as one weighted
sum, so no cost grows with the instance and nothing can overflow. After an aim is solved, its potentials
π say which arcs some optimal flow may still use: an arc with reduced cost ``c + π(tail) − π(head)`` above
0 carries nothing in every optimum of that aim, one below 0 is full in every optimum; both are fixed, and
the next aim is solved over the arcs left at 0 (the set of optimal flows of an aim is exactly the flows
that meet these conditions, for any optimal π). The result is the lexicographic optimum.

**Sparse.** A large round lists only a few candidate auditors per plan (``Instance.rest`` describes every
other allowed pair by rule: not forbidden, own-service by the plan's services; see ``rules.instance`` for the
candidates). After each aim is solved, every pair not listed is priced against the potentials (``_scan``: for
each plan and service, the auditors sorted by potential, conflicts skipped); a pair whose reduced cost is
negative is added and the aim re-solved from where it was. When none is left, the potentials prove the flow
optimal over *all* allowed pairs, listed or not. Any optimal potentials would do; two cheap ones are tried
(the lowest, which keeps auditors low, and the highest, which keeps plans high) and the one that prices fewer
pairs in is kept. A round that adds pairs which do not help widens the next (more pairs per plan and per
auditor), so pricing always ends, with every allowed pair listed at worst.

**Checked.** ``verify`` checks the certificate at the end, in integers, for every aim at once: the vector of
reduced costs of every residual arc (listed, and by one more scan every pair not listed) is lexicographically
≥ 0. If it did not hold the solver would raise rather than return an allocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qactl.allocation.flow import high_potentials, low_potentials, min_cost_flow, repair, residual

LEVELS = ("changed_kept", "fill", "own_service", "repeated_pairs", "same_team")
KEEP, FILL, OWN, HIST, TEAM = range(5)


@dataclass
class Rest:
    """The allowed pairs an instance does not list: every (plan, auditor with places) pair not forbidden.

    A pair is forbidden when the plan names one of the auditor's keys (their id or organisation as a
    contributor, their id or name as the officer): ``plan_keys`` holds the codes ``plan * n_keys + key`` of the
    keys each plan names, sorted; ``aud_keys`` the keys of each auditor (-1 where they have fewer). So the
    20,000 × 10,000 pairs of a large round are never written out, only each plan's few keys.
    """

    plan_keys: np.ndarray
    n_keys: int
    aud_keys: np.ndarray  # auditors × k, key ids, -1 for none
    plan_service: (
        np.ndarray
    )  # bool, plans × services: a pair is own-service when its auditor's service is marked
    changed: bool = False  # under --keep: every pair not listed changes a kept assignment

    @classmethod
    def from_pairs(
        cls, forbidden: np.ndarray, n_auditors: int, plan_service: np.ndarray, changed: bool = False
    ) -> Rest:
        """Forbidden pairs given one by one (as codes plan * n_auditors + auditor): each auditor is its own key."""
        return cls(
            plan_keys=np.unique(np.asarray(forbidden, dtype=np.int64)),
            n_keys=n_auditors,
            aud_keys=np.arange(n_auditors, dtype=np.int64)[:, None],
            plan_service=plan_service,
            changed=changed,
        )

    def forbidden(self, p: np.ndarray, a: np.ndarray) -> np.ndarray:
        out = np.zeros(len(p), dtype=bool)
        for j in range(self.aud_keys.shape[1]):
            k = self.aud_keys[a, j]
            has = k >= 0
            out[has] |= member(self.plan_keys, p[has] * self.n_keys + k[has])
        return out


_NOT_GIVEN = np.zeros(0, dtype=np.int64)  # the default of an arc-level cost, replaced by zeros for every arc


def _not_given() -> np.ndarray:
    return _NOT_GIVEN


@dataclass
class Instance:
    """A solver instance, by index. Arc arrays are parallel: plan, auditor and the three arc-level costs."""

    demand: np.ndarray  # per plan: 1, or 2 for a moderated plan
    team: np.ndarray  # per plan: a team index
    cap: np.ndarray  # per auditor: places (0 for unavailable auditors)
    service: np.ndarray  # per auditor: a service index
    arc_plan: np.ndarray
    arc_aud: np.ndarray
    # the three arc-level costs, 0 for every arc when not given
    arc_keep: np.ndarray = field(default_factory=_not_given)  # 1 when the arc changes a kept assignment
    arc_own: np.ndarray = field(
        default_factory=_not_given
    )  # 1 when the plan is from the auditor's own service
    arc_hist: np.ndarray = field(default_factory=_not_given)  # 1 when the pair is in the history
    rest: Rest | None = None  # the allowed pairs not listed (None: the arcs are every allowed pair)

    def __post_init__(self) -> None:
        n = len(self.arc_plan)
        for name in ("arc_keep", "arc_own", "arc_hist"):
            if getattr(self, name) is _NOT_GIVEN:
                setattr(self, name, np.zeros(n, dtype=np.int64))


@dataclass
class Solution:
    pairs: list[tuple[int, int]]  # (plan, auditor), each plan once per unit of demand
    objective: tuple[int, int, int, int, int]  # (changed kept, fill, own service, repeated, team mix)
    method: str
    stats: dict[str, Any] = field(
        default_factory=dict
    )  # arcs listed, pairs added by pricing, phases (for the bench)


@dataclass
class Bottleneck:
    """No allocation exists: ``placed`` of ``total`` audits fit, and these plans and auditors are why."""

    placed: int
    total: int
    plans: list[int]  # the plans cut off (a Hall violator)
    auditors: list[int]  # the only auditors they can still reach, all full
    others: list[int]  # auditors they may go to but not usefully (a moderated plan's second service)
    need: int  # audits the plans need
    places: int  # places of those auditors


PER_HEAD = 32  # pairs priced in per (auditor, team) node and round
METHOD = "min-cost flow, one aim at a time (primal-dual on scipy's Dijkstra and maximum flow)"


def solve(inst: Instance) -> Solution | Bottleneck:
    """The lexicographic optimum allocation, or the :class:`Bottleneck` that proves none exists."""
    net = _Network(inst)
    for level in net.levels:
        found = net.stage(level)
        if found is not None:
            return found
    net.verify()
    pairs = net.pairs()
    return Solution(pairs=pairs, objective=_objective(inst, net, pairs), method=METHOD, stats=net.stats)


def _lex_gt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: is a > b lexicographically (2-D int arrays, one row per comparison)?"""
    diff = a - b
    nz = diff != 0
    first = nz.argmax(axis=1)
    return nz.any(axis=1) & (diff[np.arange(len(diff)), first] > 0)


def member(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if len(sorted_codes) == 0:
        return np.zeros(len(codes), dtype=bool)
    i = np.searchsorted(sorted_codes, codes)
    i[i == len(sorted_codes)] = 0
    return sorted_codes[i] == codes


class _Network:
    """The flow network of an instance, its arcs' state between stages, and the potentials of each aim."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        demand, cap, service, team = (
            np.asarray(x, dtype=np.int64) for x in (inst.demand, inst.cap, inst.service, inst.team)
        )
        self.demand, self.cap, self.service, self.team = demand, cap, service, team
        n_p, n_a = len(demand), len(cap)
        self.n_p, self.n_a = n_p, n_a
        self.n_t = int(team.max(initial=0)) + 1
        self.n_s = int(service.max(initial=0)) + 1
        self.team_layer = self.n_t > 1 and int(cap.max(initial=0)) > 1
        self.mod = np.flatnonzero(demand > 1)
        self.mod_row = np.full(n_p, -1, dtype=np.int64)
        self.mod_row[self.mod] = np.arange(len(self.mod))
        self.avail = np.flatnonzero(cap > 0)
        self.svc_used = np.bincount(service[self.avail], minlength=self.n_s) > 0
        # node layout: plans, (moderated plan, service), (auditor, team), auditors, sink
        self.ps0 = n_p
        self.x0 = self.ps0 + len(self.mod) * self.n_s
        self.a0 = self.x0 + (n_a * self.n_t if self.team_layer else 0)
        self.sink = self.a0 + n_a
        self.n = self.sink + 1
        self.supply = np.zeros(self.n, dtype=np.int64)
        self.supply[:n_p] = demand
        self.supply[self.sink] = -int(demand.sum())
        parts: list[tuple] = []
        m_rows, m_svc = np.nonzero(np.ones((len(self.mod), self.n_s), dtype=bool) & self.svc_used[None, :])
        parts.append(
            (
                self.mod[m_rows],
                self.ps0 + m_rows * self.n_s + m_svc,
                np.ones(len(m_rows), dtype=np.int64),
                None,
            )
        )
        if self.team_layer:
            a_rep = np.repeat(self.avail, self.n_t)
            t_rep = np.tile(np.arange(self.n_t), len(self.avail))
            parts.append((self.x0 + a_rep * self.n_t + t_rep, self.a0 + a_rep, cap[a_rep], TEAM))
        parts.append((self.a0 + self.avail, np.full(len(self.avail), self.sink), cap[self.avail], FILL))
        tails, heads, caps, lin, conv = [], [], [], [], []
        for t, h, c, convex_level in parts:
            tails.append(t)
            heads.append(h)
            caps.append(c)
            lin.append(np.zeros((5, len(t)), dtype=np.int64))
            cv = np.zeros((5, len(t)), dtype=np.int64)
            if convex_level is not None:
                cv[convex_level] = 1
            conv.append(cv)
        self.tail, self.head, self.arc_cap = (
            np.concatenate(tails),
            np.concatenate(heads),
            np.concatenate(caps),
        )
        self.lin, self.conv = np.concatenate(lin, axis=1), np.concatenate(conv, axis=1)
        self.code = np.full(len(self.tail), -1, dtype=np.int64)  # plan * n_a + auditor on plan arcs
        self.base = np.zeros(len(self.tail), dtype=np.int64)  # units fixed by earlier aims
        self.free = self.arc_cap.copy()  # units still free
        self.flow = np.zeros(len(self.tail), dtype=np.int64)  # units of the current aim
        self.listed = np.zeros(0, dtype=np.int64)
        keep_in = np.isin(inst.arc_aud, self.avail)
        p, a = np.asarray(inst.arc_plan)[keep_in], np.asarray(inst.arc_aud)[keep_in]
        self.add_pairs(
            p,
            a,
            np.asarray(inst.arc_keep)[keep_in],
            np.asarray(inst.arc_own)[keep_in],
            np.asarray(inst.arc_hist)[keep_in],
        )
        rest = inst.rest
        self.levels = [
            lv
            for lv, on in (
                (KEEP, bool(inst.arc_keep.any()) or bool(rest and rest.changed)),
                (FILL, True),
                (OWN, bool(inst.arc_own.any()) or bool(rest is not None and rest.plan_service.any())),
                (HIST, bool(inst.arc_hist.any())),
                (TEAM, self.team_layer),
            )
            if on
        ]
        self.pi = np.zeros((5, self.n), dtype=np.int64)  # potentials per aim (0 for aims not solved)
        self.done: list[int] = []
        self.stats: dict[str, Any] = {
            "arcs listed": int(len(p)),
            "pairs added": 0,
            "pricing rounds": 0,
            "phases": 0,
        }

    # ------------------------------------------------------------------ arcs
    def x_node(self, a: np.ndarray, t: np.ndarray) -> np.ndarray:
        return self.x0 + a * self.n_t + t if self.team_layer else self.a0 + a

    def add_pairs(self, p, a, keep, own, hist) -> None:
        p, a = np.asarray(p, dtype=np.int64), np.asarray(a, dtype=np.int64)
        if len(p) == 0:
            return
        single = self.demand[p] <= 1
        tail = np.where(single, p, self.ps0 + self.mod_row[p] * self.n_s + self.service[a])
        head = self.x_node(a, self.team[p])
        k = len(p)
        lin = np.zeros((5, k), dtype=np.int64)
        lin[KEEP], lin[OWN], lin[HIST] = keep, own, hist
        self.tail = np.concatenate([self.tail, tail])
        self.head = np.concatenate([self.head, head])
        self.arc_cap = np.concatenate([self.arc_cap, np.ones(k, dtype=np.int64)])
        self.lin = np.concatenate([self.lin, lin], axis=1)
        self.conv = np.concatenate([self.conv, np.zeros((5, k), dtype=np.int64)], axis=1)
        codes = p * self.n_a + a
        self.code = np.concatenate([self.code, codes])
        self.base = np.concatenate([self.base, np.zeros(k, dtype=np.int64)])
        self.free = np.concatenate([self.free, np.ones(k, dtype=np.int64)])
        self.flow = np.concatenate([self.flow, np.zeros(k, dtype=np.int64)])
        self.listed = np.union1d(self.listed, codes)

    def add_rest(self, p: np.ndarray, a: np.ndarray) -> None:
        """Add pairs of the rest (not listed): their costs by rule."""
        rest = self.inst.rest
        assert rest is not None, "pairs are priced in only from the rest of an instance that has one"
        k = len(p)
        keep = np.full(k, int(rest.changed), dtype=np.int64)
        own = rest.plan_service[p, self.service[a]].astype(np.int64)
        self.add_pairs(p, a, keep, own, np.zeros(k, dtype=np.int64))
        self.stats["pairs added"] += int(k)

    # ------------------------------------------------------------------ one aim
    def stage(self, level: int) -> Bottleneck | None:
        """Solve aim ``level`` over the arcs every earlier aim left free, pricing the pairs not listed."""
        self.flow = np.zeros(len(self.tail), dtype=np.int64)
        self.rounds = 0
        pi = None
        while True:
            cost = self.lin[level] + self.base * self.conv[level]
            if pi is not None:  # warm start after pairs were added: saturate those priced below 0
                repair(self.tail, self.head, self.free, cost, self.conv[level], self.flow, pi)
            res = min_cost_flow(
                self.n,
                self.tail,
                self.head,
                self.free,
                cost,
                self.conv[level],
                self.supply,
                flow=self.flow,
                pi=pi,
            )
            self.stats["phases"] += res.phases
            self.flow, pi = res.flow, res.pi
            if not res.feasible:
                # only the first aim can find this, from a clean start: the flow is a maximum flow over the
                # arcs listed, and the reached nodes the source side of a minimum cut
                p, a = self._scan_cut(res.reached)
                if len(p) == 0:
                    return self._bottleneck(res.reached)
                pi = None
                self.stats["pricing rounds"] += 1
                self.add_rest(p, a)
                self.flow = np.zeros(len(self.tail), dtype=np.int64)
                continue
            else:
                # any optimal potentials prove the flow optimal; the lowest (heads low) and the highest (tails high)
                # price different pairs as improving: take the one that finds fewer
                best: tuple[np.ndarray, tuple[np.ndarray, np.ndarray]] | None = None
                for choice in (low_potentials, high_potentials):
                    cand = self._tighten(
                        choice(
                            self.n, self.tail, self.head, self.free, cost, self.conv[level], self.flow, pi
                        ),
                        cost,
                        self.conv[level],
                    )
                    self.pi[level] = cand
                    found = self._scan(self.done + [level])
                    if best is None or len(found[0]) < len(best[1][0]):
                        best = (cand, found)
                    if len(found[0]) == 0:
                        break
                assert best is not None  # the loop above runs at least once
                pi, (p, a) = best
                self.pi[level] = pi
                if len(p) == 0:
                    break
            self.stats["pricing rounds"] += 1
            self.rounds += 1
            self.stats.setdefault("added by aim", {}).setdefault(LEVELS[level], []).append(int(len(p)))
            self.add_rest(p, a)
        self.total = self.base + self.flow  # the flow so far (every later aim keeps within its optimal set)
        self._fix(level, cost)
        self.done.append(level)
        return None

    def _fix(self, level: int, cost: np.ndarray) -> None:
        """Fix every unit whose reduced cost is not 0 (full if below, empty if above); the rest stays free."""
        delta = self.pi[level][self.tail] - self.pi[level][self.head]
        conv = self.conv[level]
        free = self.free
        lin = conv == 0
        r = cost + delta
        # linear arcs: every free unit has reduced cost r
        fixed = np.where(lin & (r < 0), free, 0)
        keep_free = np.where(lin & (r == 0), free, 0)
        # convex arcs: unit k costs cost + k * conv; units below 0 fixed, at most one unit at 0 stays free
        cv = ~lin
        need = -(cost + delta)  # unit k < need / conv has negative reduced cost
        c = np.where(cv, conv, 1)
        below = np.clip(-((-need) // c), 0, free)  # ceil(need / conv), within [0, free]
        zero_k = np.where(need % c == 0, need // c, -1)
        at_zero = (zero_k >= 0) & (zero_k < free)
        fixed = np.where(cv, below, fixed)
        keep_free = np.where(cv, at_zero.astype(np.int64), keep_free)
        if ((self.flow < fixed) | (self.flow > fixed + keep_free)).any():
            raise RuntimeError("the flow does not meet the optimality conditions of its own potentials")
        self.base += fixed
        self.free = keep_free
        np.subtract.at(self.supply, self.tail, fixed)
        np.add.at(self.supply, self.head, fixed)
        self.flow = np.zeros(len(self.tail), dtype=np.int64)

    def _tighten(self, pi: np.ndarray, cost: np.ndarray, conv: np.ndarray) -> np.ndarray:
        """Other optimal potentials that price fewer unlisted pairs as improving (any optimal ones would prove it).

        Auditor and (auditor, team) nodes are lowered to the least value their residual arcs out allow, plan
        and (plan, service) nodes raised to the most their residual arcs in allow: each step keeps every
        reduced cost ≥ 0, so the potentials stay a certificate.
        """
        u, v, c, _k, _arc = residual(self.tail, self.head, self.free, cost, conv, self.flow)
        pi = pi.copy()
        node_sets = [np.arange(self.a0, self.a0 + self.n_a)]
        if self.team_layer:
            node_sets.append(np.arange(self.x0, self.a0))
        for nodes in node_sets:
            sel = np.isin(u, nodes)
            low = np.full(self.n, np.iinfo(np.int64).min)
            np.maximum.at(low, u[sel], pi[v[sel]] - c[sel])
            has = low > np.iinfo(np.int64).min
            pi[has] = np.minimum(pi[has], low[has])
        for nodes in (np.arange(self.ps0, self.x0), np.arange(self.n_p)):
            sel = np.isin(v, nodes)
            high = np.full(self.n, np.iinfo(np.int64).max)
            np.minimum.at(high, v[sel], pi[u[sel]] + c[sel])
            has = high < np.iinfo(np.int64).max
            pi[has] = np.maximum(pi[has], high[has])
        return pi

    # ------------------------------------------------------------------ pricing the pairs not listed
    def _queries(self):
        """One query per plan and service with auditors: (plan, service, tail node of its arcs)."""
        s_used = np.flatnonzero(self.svc_used)
        p = np.repeat(np.arange(self.n_p), len(s_used))
        s = np.tile(s_used, self.n_p)
        tail = np.where(self.demand[p] > 1, self.ps0 + self.mod_row[p] * self.n_s + s, p)
        return p, s, tail

    def _walk(
        self, rest: Rest, key: np.ndarray, qp, qs, qh, *, per_head: int, per_query: int = 1
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each query, the first ``per_query`` auditors of its service, in descending lexicographic ``key[a, t]``
        order, that are neither forbidden nor listed for its plan, and whose key is above the query's threshold ``qh``.

        At most ``per_head`` pairs into one (auditor, team) node are returned, those furthest above their threshold
        first: many plans often point at the same few auditors, and a few arcs into a node show the solver what it
        needs (the others are found again in the next round if they still would improve).
        """
        av = self.avail
        n_av = len(av)
        order = np.empty((self.n_t, n_av), dtype=np.int64)
        start = np.zeros((self.n_t, self.n_s + 1), dtype=np.int64)
        svc = self.service[av]
        for t in range(self.n_t):
            k = key[av, t]
            order[t] = av[np.lexsort(tuple(-k[:, j] for j in range(k.shape[1] - 1, -1, -1)) + (svc,))]
            start[t, 1:] = np.cumsum(np.bincount(svc, minlength=self.n_s))
        qt = self.team[qp]
        pos = np.zeros(len(qp), dtype=np.int64)
        got = np.zeros(len(qp), dtype=np.int64)
        act = np.arange(len(qp))
        found_p, found_a, found_g = [], [], []
        while len(act):
            t, s = qt[act], qs[act]
            i = start[t, s] + pos[act]
            ok = i < start[t, s + 1]
            act, t, i = act[ok], t[ok], i[ok]
            a = order[t, i]
            above = _lex_gt(key[a, t], qh[act])
            act, a = act[above], a[above]
            codes = qp[act] * self.n_a + a
            skip = member(self.listed, codes) | rest.forbidden(qp[act], a)
            hit = act[~skip]
            found_p.append(qp[hit])
            found_a.append(a[~skip])
            gap = key[a[~skip], qt[hit]] - qh[hit]
            nz = gap != 0
            found_g.append(gap[np.arange(len(gap)), nz.argmax(axis=1)] if len(gap) else np.zeros(0, np.int64))
            got[hit] += 1
            act = act[skip | (got[act] < per_query)]
            pos[act] += 1
        if not found_p:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        p, a, g = np.concatenate(found_p), np.concatenate(found_a), np.concatenate(found_g)
        head = a * self.n_t + self.team[p]
        order = np.lexsort((p, -g, head))
        p, a, head = p[order], a[order], head[order]
        rank = np.arange(len(head)) - np.searchsorted(head, head)
        keep = rank < per_head
        return p[keep], a[keep]

    def _aud_key(self, values: np.ndarray) -> np.ndarray:
        """values (levels × nodes) → key[a, t, level] of the (auditor, team) nodes."""
        a = np.arange(self.n_a)
        out = np.empty((self.n_a, self.n_t, values.shape[0]), dtype=np.int64)
        for t in range(self.n_t):
            out[:, t, :] = values[:, self.x_node(a, np.full(self.n_a, t))].T
        return out

    def _scan(self, levels: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Pairs not listed whose vector of reduced costs over ``levels`` is lexicographically negative (at most
        ``PER_HEAD`` into one node in an aim's first round, twice as many each round after)."""
        rest = self.inst.rest
        if rest is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pi = self.pi[levels]
        qp, qs, qtail = self._queries()
        cost = np.zeros((len(qp), len(levels)), dtype=np.int64)
        for j, lv in enumerate(levels):
            if lv == KEEP:
                cost[:, j] = int(rest.changed)
            elif lv == OWN:
                cost[:, j] = rest.plan_service[qp, qs]
        qh = pi[:, qtail].T + cost
        more = min(
            self.rounds, 20
        )  # a slow round (the potentials point at pairs that do not help) widens the next
        return self._walk(
            rest, self._aud_key(pi), qp, qs, qh, per_head=PER_HEAD << more, per_query=1 << max(0, more - 3)
        )

    def _scan_cut(self, reached: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs not listed that lead out of the nodes the remaining supply reaches (they may carry it further)."""
        rest = self.inst.rest
        if rest is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        through = np.bincount(self.head, weights=self.flow, minlength=self.n) > 0
        x_all = np.arange(self.n)
        aud_of = np.full(self.n, -1)
        a = np.arange(self.n_a)
        aud_of[self.a0 + a] = self.a0 + a
        if self.team_layer:
            aud_of[self.x0 : self.a0] = self.a0 + (x_all[self.x0 : self.a0] - self.x0) // self.n_t
        # a new arc into x helps when x is not reached and either its auditor is not, or x carries flow (to re-route)
        helps = (~reached) & ((~reached[np.maximum(aud_of, 0)]) | through)
        qp, qs, qtail = self._queries()
        sel = reached[qtail]
        qp, qs = qp[sel], qs[sel]
        key = self._aud_key(helps[None, :].astype(np.int64))
        return self._walk(rest, key, qp, qs, np.zeros((len(qp), 1), dtype=np.int64), per_head=1)

    # ------------------------------------------------------------------ results
    def verify(self) -> None:
        """The certificate, checked in integers: every residual unit's reduced costs over the aims, in order, are
        lexicographically ≥ 0 (listed arcs here; every pair not listed by one more scan)."""
        total = self.total
        lv = self.levels
        du = self.pi[lv][:, self.tail] - self.pi[lv][:, self.head]
        lin, conv = self.lin[lv], self.conv[lv]
        fwd = total < self.arc_cap
        bwd = total > 0
        rf = (lin + total * conv + du)[:, fwd].T
        rb = (-(lin + (total - 1) * conv + du))[:, bwd].T
        zero_f, zero_b = np.zeros_like(rf), np.zeros_like(rb)
        if _lex_gt(zero_f, rf).any() or _lex_gt(zero_b, rb).any():
            raise RuntimeError("the allocation's optimality certificate does not hold")
        p, _a = self._scan(lv)
        if len(p):
            raise RuntimeError("an allowed pair not considered would improve the allocation")

    def pairs(self) -> list[tuple[int, int]]:
        total = self.total
        used = np.flatnonzero((self.code >= 0) & (total > 0))
        c = self.code[used]
        return sorted(zip((c // self.n_a).tolist(), (c % self.n_a).tolist(), strict=True))

    def _bottleneck(self, reached: np.ndarray) -> Bottleneck:
        total = int(self.demand.sum())
        into_sink = int(self.flow[self.head == self.sink].sum() + self.base[self.head == self.sink].sum())
        plans = [int(p) for p in np.flatnonzero(reached[: self.n_p])]
        aud_in = reached[self.a0 : self.a0 + self.n_a].copy()
        if (
            self.team_layer
        ):  # an auditor is on the plans' side of the cut when any of their (auditor, team) nodes is
            aud_in |= reached[self.x0 : self.a0].reshape(self.n_a, self.n_t).any(axis=1)
        # the allowed auditors of the plans cut off: listed arcs, and by rule the rest
        nb = np.zeros(self.n_a, dtype=bool)
        on_plan = self.code >= 0
        sel = on_plan & np.isin(self.code // self.n_a, plans)
        nb[self.code[sel] % self.n_a] = True
        rest = self.inst.rest
        if rest is not None and plans:
            # an auditor is a neighbour unless every plan cut off forbids them (checked a block of plans at a time)
            aud = np.arange(self.n_a)
            for i in range(0, len(plans), max(1, 2_000_000 // max(self.n_a, 1))):
                if nb[self.cap > 0].all():
                    break
                blk = np.array(plans[i : i + max(1, 2_000_000 // max(self.n_a, 1))])
                pp, aa = np.repeat(blk, self.n_a), np.tile(aud, len(blk))
                nb[aa[~rest.forbidden(pp, aa)]] = True
        nb &= self.cap > 0
        inside = [int(a) for a in np.flatnonzero(nb & aud_in)]
        others = [int(a) for a in np.flatnonzero(nb & ~aud_in)]
        need = int(self.demand[plans].sum()) if plans else 0
        return Bottleneck(
            placed=into_sink,
            total=total,
            plans=plans,
            auditors=inside,
            others=others,
            need=need,
            places=int(self.cap[inside].sum()) if inside else 0,
        )


def _objective(inst: Instance, net: _Network, pairs: list[tuple[int, int]]) -> tuple[int, int, int, int, int]:
    """Every level recomputed from the pairs (what is reported, and a check on the solver)."""
    used = (net.code >= 0) & (net.total > 0)
    keep, own, hist = (int(net.lin[lv][used].sum()) for lv in (KEEP, OWN, HIST))
    p = np.array([x for x, _ in pairs], dtype=np.int64)
    a = np.array([y for _, y in pairs], dtype=np.int64)
    load = np.bincount(a, minlength=len(inst.cap)) if len(pairs) else np.zeros(1, np.int64)
    fill = int((load * (load - 1) // 2).sum())
    if len(pairs):
        _, per_team = np.unique(
            a * (int(np.max(inst.team, initial=0)) + 1) + np.asarray(inst.team)[p], return_counts=True
        )
    else:
        per_team = np.zeros(1, np.int64)
    team = int((per_team * (per_team - 1) // 2).sum())
    return keep, fill, own, hist, team


def max_flow_value(inst: Instance) -> int:
    """The most audits that can be placed under the hard rules (of an instance whose arcs are every allowed pair)."""
    sol = solve(
        Instance(
            demand=inst.demand,
            team=np.zeros_like(inst.team),
            cap=inst.cap,
            service=inst.service,
            arc_plan=inst.arc_plan,
            arc_aud=inst.arc_aud,
            rest=inst.rest,
        )
    )
    return int(inst.demand.sum()) if isinstance(sol, Solution) else sol.placed


def candidates(
    rest: Rest,
    service: np.ndarray,
    cap: np.ndarray,
    n_plans: int,
    *,
    per_service: int = 2,
    per_place: int = 2,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A few allowed pairs to start from (the rest are priced in when they would improve the allocation).

    Each plan gets ``per_service`` auditors drawn from each service (one from a service it is from), and each
    auditor ``per_place`` plans per place, drawn at random; forbidden pairs are dropped. Deterministic.
    """
    rng = np.random.default_rng(seed)
    n_a = len(cap)
    avail = np.flatnonzero(cap > 0)
    ps, pa = [], []
    for s in np.unique(service[avail]).tolist():
        pool = avail[service[avail] == s]
        k = (
            np.where(rest.plan_service[:, s], 1, per_service)
            if rest.plan_service.shape[1] > s
            else np.full(n_plans, per_service)
        )
        p = np.repeat(np.arange(n_plans), k)
        ps.append(p)
        pa.append(pool[rng.integers(0, len(pool), len(p))])
    if n_plans:
        a = np.repeat(avail, per_place * cap[avail])
        pa.append(a)
        ps.append(rng.integers(0, n_plans, len(a)))
    p = np.concatenate(ps) if ps else np.zeros(0, np.int64)
    a = np.concatenate(pa) if pa else np.zeros(0, np.int64)
    codes = np.unique(p * n_a + a)
    p, a = codes // n_a, codes % n_a
    ok = ~rest.forbidden(p, a)
    return p[ok], a[ok]
