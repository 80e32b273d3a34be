"""Checks of plain call arguments (counts, probabilities, seeds, flags).

One definition of "an integer", "a probability" and "a flag" for every public
function, so that ``True`` is never taken for 1, NumPy scalars are accepted
wherever Python ones are, and the same argument gets the same message
everywhere. The predicates return booleans; the ``*_problem`` helpers return a
located :class:`~priorml.errors.Problem` or ``None``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import Problem

__all__ = ["is_int", "is_real", "is_probability", "is_flag", "seed_problem", "n_jobs_problem", "flag_problem",
           "common_problems", "MAX_SEED"]

#: The largest seed every consumer takes (NumPy's legacy ``RandomState``, hence scikit-learn: 2**32 - 1).
MAX_SEED = 2**32 - 1


def is_int(value: Any, minimum: int | None = None, maximum: int | None = None) -> bool:
    """An integer (Python or NumPy, never a bool) within ``[minimum, maximum]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        return False
    return bool((minimum is None or value >= minimum) and (maximum is None or value <= maximum))


def is_real(value: Any) -> bool:
    """A finite real number (integers included, bools excluded)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    return bool(math.isfinite(float(value)))


def is_probability(value: Any) -> bool:
    """A real number strictly between 0 and 1."""
    return bool(is_real(value) and 0.0 < float(value) < 1.0)


def is_flag(value: Any) -> bool:
    """``True`` or ``False`` (a NumPy bool too)."""
    return isinstance(value, (bool, np.bool_))


def seed_problem(random_state: Any) -> Problem | None:
    """A seed is an integer from 0 to :data:`MAX_SEED` (NumPy's ``SeedSequence`` refuses negative ones,
    scikit-learn's ``random_state`` larger ones)."""
    if is_int(random_state, 0, MAX_SEED):
        return None
    return Problem("random_state", "an integer seed from 0 to 2**32 - 1", repr(random_state),
                   "For example random_state=0.")


def n_jobs_problem(n_jobs: Any) -> Problem | None:
    if n_jobs is None or (is_int(n_jobs) and n_jobs != 0):
        return None
    return Problem("n_jobs", "None, a positive number of workers, or -1 (all cores)", repr(n_jobs))


def flag_problem(value: Any, key: str) -> Problem | None:
    return None if is_flag(value) else Problem(key, "True or False", repr(value))


def common_problems(random_state: Any, n_jobs: Any, progress: Any) -> list[Problem]:
    """The problems with the three arguments every repeated-fit function takes."""
    found = (seed_problem(random_state), n_jobs_problem(n_jobs), flag_problem(progress, "progress"))
    return [p for p in found if p is not None]
