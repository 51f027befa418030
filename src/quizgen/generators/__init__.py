"""Question generators: one module per family, registered here."""

from __future__ import annotations

FAMILIES: tuple[str, ...] = ("signing", "backing", "dates", "roles", "figures")
