"""qactl: quality assurance of SEND services in English local areas.

Kept light on purpose: importing ``qactl`` imports nothing heavy, so ``qactl --help`` starts fast.
"""

__version__ = "0.1.0"
