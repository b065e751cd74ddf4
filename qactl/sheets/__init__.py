"""Reading spreadsheets into rows that remember their cells, and writing outputs atomically."""

from qactl.sheets.reader import Sheet, cell_ref, column_letter, open_sheet
from qactl.sheets.writer import atomic_output

__all__ = ["Sheet", "atomic_output", "cell_ref", "column_letter", "open_sheet"]
