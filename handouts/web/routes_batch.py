"""The batch page (routes filled in below)."""

ROUTES: list = []
