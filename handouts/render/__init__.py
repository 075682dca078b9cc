"""Rendering: handouts → reportlab platypus stories → PDF bytes."""
