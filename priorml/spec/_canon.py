"""Friendly spellings of constraint values, normalised in exactly one place.

Every function returns the canonical value or raises ``_Invalid`` with the
list of accepted spellings; callers turn that into a :class:`~priorml.errors.Problem`.
"""

from __future__ import annotations

from typing import Any


class _Invalid(Exception):
    """A value that cannot be canonicalised; ``expected`` says what can."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


_MONO = {
    "increasing": 1, "inc": 1, "up": 1, "+1": 1, "1": 1, "positive": 1,
    "decreasing": -1, "dec": -1, "down": -1, "-1": -1, "negative": -1,
    "none": 0, "0": 0, "": 0,
}
MONOTONIC_SPELLINGS = "'increasing', 'decreasing', 1, -1 or 'none'"


def monotonic(value: Any) -> int:
    """Canonical monotonicity: ``1`` increasing, ``-1`` decreasing, ``0`` none."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise _Invalid(MONOTONIC_SPELLINGS)
    if isinstance(value, (int, float)) and value in (-1, 0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _MONO:
        return _MONO[value.strip().lower()]
    raise _Invalid(MONOTONIC_SPELLINGS)


def direction(value: Any) -> int:
    """Canonical trust direction: ``1`` positive, ``-1`` negative."""
    if isinstance(value, bool):
        raise _Invalid("'positive', 'negative', 1 or -1")
    if isinstance(value, (int, float)) and value in (-1, 1):
        return int(value)
    if isinstance(value, str) and _MONO.get(value.strip().lower()) in (-1, 1):
        return _MONO[value.strip().lower()]
    raise _Invalid("'positive', 'negative', 1 or -1")


def choice(value: Any, options: tuple[str, ...], *, allow_none: bool = True) -> str | None:
    """Canonical member of ``options`` (case-insensitive), or ``None``."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        if allow_none:
            return None
        raise _Invalid(" or ".join(repr(o) for o in options))
    if isinstance(value, str) and value.strip().lower() in options:
        return value.strip().lower()
    spelled = ", ".join(repr(o) for o in options)
    raise _Invalid(f"one of {spelled}" + (" (or none)" if allow_none else ""))


def feature_name(value: Any) -> Any:
    """Feature names are text: an integer (a YAML key such as ``1``) names the feature ``"1"``.
    Anything else is returned as it is, for the caller's own check."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def number(value: Any) -> float:
    """A finite real number (bools refused)."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, np.generic) and np.issubdtype(type(value), np.number):
                value = float(value)
            else:
                raise TypeError
        except TypeError:
            raise _Invalid("a finite number") from None
    if not math.isfinite(float(value)):
        raise _Invalid("a finite number")
    return float(value)


def direction_name(value: int) -> str:
    return "positive" if value > 0 else "negative"


def monotonic_name(value: int) -> str | None:
    return {1: "increasing", -1: "decreasing"}.get(value)
