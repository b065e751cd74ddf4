"""Statutory time limits as the law sets them, shared by every command that counts a date.

* :mod:`~qactl.statutory.timeliness` is the one definition of "on time" every figure of qactl is counted by.
* :mod:`~qactl.statutory.timeline` works out the statutory dates of one case (``qactl timeline``).

The limits themselves, each with its regulation and exceptions, are declared by the rubrics' milestones
(:mod:`qactl.rubric.milestones`), so scoring, the report and the timeline read one rule.
"""
