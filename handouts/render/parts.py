"""The names the tests import from the parts' former single module (until the tests move)."""

from handouts.render.blocks import lower_first
from handouts.render.workout_table import TABLE_COLUMNS, TABLE_PAD, TABLE_WEIGHTS, table_widths

__all__ = ["TABLE_COLUMNS", "TABLE_PAD", "TABLE_WEIGHTS", "lower_first", "table_widths"]
