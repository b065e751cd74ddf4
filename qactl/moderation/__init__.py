"""How far two auditors of the same plan agreed: the numbers for the moderation workshop (Wolverhampton §6.1).

Pure functions over scored files (``qactl.results``): no rubric file is needed, as each scored file
carries the rubric's schema.

* **Pairs.** Audits of the same plan (``ref``) by different auditors are paired, across all the files
  given. A plan audited three or more times gives every pair of different auditors (3 audits: 3 pairs).
  In each pair the audit from the earlier file (then the lower row) is "auditor A": Cohen's kappa,
  unlike percent agreement, depends on which rater is which, so the order is fixed and documented.
  An audit with no partner is listed in ``unpaired``, never dropped silently.
* **Items.** A pair counts for an item when both auditors gave one of the scale's answers; N/A, blank
  and "does not apply" answers of either auditor take that pair out of that item.
* **Measures.** Percent agreement (exact), Cohen's kappa (unweighted), and for ordered scales the
  linearly weighted kappa (Cohen 1968; weights 1 − |i − j| / (k − 1), categories in scale order).
  Kappa is ``None`` when undefined (both auditors used one and the same answer throughout).
  Overall figures pool every item's pairs; the weighted overall kappa needs one shared ordered scale.
* **When kappa misleads.** Kappa corrects for the agreement two auditors would reach by chance, each keeping
  their own mix of answers. When nearly every answer is the same one (most plans "Fully" met), that chance
  agreement is itself near 100%, and kappa falls to 0 or below although the auditors agree on almost every
  plan: the high-agreement, low-kappa paradox (Feinstein & Cicchetti 1990, J Clin Epidemiol 43:543–549). Beside
  kappa every item carries Gwet's AC1 (Gwet 2008, Br J Math Stat Psychol 61:29–48), whose chance agreement
  ``Σ π_k (1 − π_k) / (q − 1)`` (π_k the two auditors' mean share of answer k, q the answers on the scale)
  is small when one answer dominates, and PABAK (Byrt, Bishop & Carlin 1993, J Clin Epidemiol 46:423–429;
  for q answers ``(q·p_o − 1) / (q − 1)``, Brennan & Prediger's coefficient), which assumes every answer equally
  likely. ``kappa_misleading`` flags a table where one answer makes up 80% or more of all the answers given and
  kappa is fair or worse (below 0.41, Landis & Koch) or undefined: there kappa says more about the mix of answers than about
  the auditors.
* **The workshop list.** Every pair whose grades or answers differ (``to_discuss``), most different first;
  ``disagreements`` keeps the answers at opposite ends of the scale.
"""

from __future__ import annotations

from qactl.moderation.agreement import (
    ac1,
    chance_agreement,
    confusion,
    kappa,
    misleading,
    pabak,
    percent_agreement,
)
from qactl.moderation.handout import strength, to_markdown, write, write_xlsx
from qactl.moderation.pairs import auditor_key, moderate, moderate_files

__all__ = [
    "ac1",
    "auditor_key",
    "chance_agreement",
    "confusion",
    "kappa",
    "misleading",
    "moderate",
    "moderate_files",
    "pabak",
    "percent_agreement",
    "strength",
    "to_markdown",
    "write",
    "write_xlsx",
]
