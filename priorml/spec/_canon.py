"""Friendly spellings of constraint values, normalised in exactly one place.

Every function returns the canonical value or raises ``_Invalid`` with the
list of accepted spellings; callers turn that into a :class:`~priorml.errors.Problem`.
"""

from __future__ import annotations

from typing import Any


class _Invalid(Exception):
    """A value that cannot be canonicalised; ``expected`` says what can, ``fix`` how to write it."""

    def __init__(self, expected: str, fix: str = ""):
        super().__init__(expected)
        self.expected = expected
        self.fix = fix


def _is_numpy(value: Any) -> bool:
    """A NumPy (or pandas) object, recognised without importing NumPy (the spec stays import-light)."""
    return type(value).__module__.split(".")[0] in ("numpy", "pandas")


def plain(value: Any) -> Any:
    """A NumPy scalar (``np.int64``, ``np.float64``, ``np.str_``, ``np.bool_``) as the equal Python
    value, so that specs built from pandas or numpy values compare, hash and write to YAML like
    specs built from Python values; anything else is returned unchanged."""
    if _is_numpy(value) and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return value.item()
    return value


def plain_data(value: Any) -> Any:
    """NumPy and pandas values as plain Python data: an array, Series or Index as a list of Python
    values; lists, tuples and mappings with their contents made plain (recursively); a NumPy scalar
    as the Python one; anything else unchanged (for the caller's own check)."""
    from collections.abc import Mapping

    if _is_numpy(value) and getattr(value, "ndim", 0) >= 1 and hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Mapping):
        return {plain(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [plain_data(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return plain(value)


_MONO = {
    "increasing": 1, "inc": 1, "up": 1, "+1": 1, "1": 1, "positive": 1,
    "decreasing": -1, "dec": -1, "down": -1, "-1": -1, "negative": -1,
    "none": 0, "0": 0, "": 0,
}
MONOTONIC_SPELLINGS = "'increasing', 'decreasing', 1, -1 or 'none'"
MONOTONIC_FIX = "Write monotonic: increasing or monotonic: decreasing, or remove the key for no constraint."
DIRECTION_SPELLINGS = "'positive', 'negative', 1 or -1"
DIRECTION_FIX = ("Write direction: positive (the effect of 'feature' grows with 'by') or direction: negative "
                 "(it shrinks).")


def monotonic(value: Any) -> int:
    """Canonical monotonicity: ``1`` increasing, ``-1`` decreasing, ``0`` none."""
    value = plain(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        raise _Invalid(MONOTONIC_SPELLINGS, MONOTONIC_FIX)
    if isinstance(value, (int, float)) and value in (-1, 0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _MONO:
        return _MONO[value.strip().lower()]
    raise _Invalid(MONOTONIC_SPELLINGS, MONOTONIC_FIX)


def direction(value: Any) -> int:
    """Canonical trust direction: ``1`` positive, ``-1`` negative."""
    value = plain(value)
    if isinstance(value, bool):
        raise _Invalid(DIRECTION_SPELLINGS, DIRECTION_FIX)
    if isinstance(value, (int, float)) and value in (-1, 1):
        return int(value)
    if isinstance(value, str) and _MONO.get(value.strip().lower()) in (-1, 1):
        return _MONO[value.strip().lower()]
    raise _Invalid(DIRECTION_SPELLINGS, DIRECTION_FIX)


def choice(value: Any, options: tuple[str, ...], *, allow_none: bool = True) -> str | None:
    """Canonical member of ``options`` (case-insensitive), or ``None``."""
    value = plain(value)
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        if allow_none:
            return None
        raise _Invalid(" or ".join(repr(o) for o in options), f"Write one of {', '.join(options)}.")
    if isinstance(value, str) and value.strip().lower() in options:
        return str(value.strip().lower())
    spelled = ", ".join(repr(o) for o in options)
    raise _Invalid(f"one of {spelled}" + (" (or none)" if allow_none else ""),
                   f"Write one of {', '.join(options)}" + (", or remove the key." if allow_none else "."))


def feature_name(value: Any) -> Any:
    """Feature names are text: an integer (a YAML key such as ``1``) names the feature ``"1"``.
    Anything else is returned as it is, for the caller's own check."""
    value = plain(value)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


NUMBER_FIX = "Write a plain number such as 0, 2.5 or -1e3 (not quoted, not inf or nan)."


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
            raise _Invalid("a finite number", NUMBER_FIX) from None
    try:
        out = float(value)
    except OverflowError:  # an integer beyond the largest float (about 1.8e308)
        raise _Invalid("a finite number", NUMBER_FIX) from None
    if not math.isfinite(out):
        raise _Invalid("a finite number", NUMBER_FIX)
    return out


def direction_name(value: int) -> str:
    return "positive" if value > 0 else "negative"


def monotonic_name(value: int) -> str | None:
    return {1: "increasing", -1: "decreasing"}.get(value)
