"""Allocation of a round's sample of EHC plans to the auditor cohort.

``models`` (plans, auditors, options, result), ``inputs`` (reading the register, cohort and history),
``sample`` (the stratified random sample), ``solve`` (the exact min-cost flow / assignment),
``explain`` (the Hall/König certificate when no allocation exists), ``output`` (xlsx/csv/json writers).
``run.allocate`` ties them together for the CLI.
"""
