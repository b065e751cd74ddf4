"""Triangulation: each theme's audit finding beside what families, practitioners, complaints, surveys and KPIs say.

* :mod:`~qactl.triangulation.evidence` reads the evidence that is not an audit (``--evidence FILE``).
* :mod:`~qactl.triangulation.verdicts` puts each theme's sources side by side and words the verdict.
* :mod:`~qactl.triangulation.actions` is the Practice Improvement Plan: suggested actions written by one round,
  read back and tracked by the next.

The report's triangulation section (:mod:`qactl.report.triangulation`) renders what these return.
"""
