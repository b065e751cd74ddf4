"""Scoring exported audits against a rubric: map columns, check cells, score, grade, write.

Pure functions over plain data; file reading happens in :mod:`qactl.scoring.run`, writing in
:mod:`qactl.scoring.output`. ``qactl score`` calls :func:`qactl.scoring.run.score_file`.
"""
