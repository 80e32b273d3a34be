"""Exceptions and warnings raised by priorml.

Every problem with user input is reported as a :class:`SpecError` (a
``ValueError``) that lists *all* problems found, each naming where it is
(feature and key), what was expected, what was received and how to fix it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = [
    "PriorMLError",
    "Problem",
    "SpecError",
    "DataError",
    "BackendUnavailableError",
    "ModelFormatError",
    "ConstraintWarning",
    "SamplerWarning",
    "DataWarning",
    "did_you_mean",
    "short_list",
    "first_line",
]


class PriorMLError(Exception):
    """Base class of every exception raised by priorml."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a spec or in data.

    Parameters
    ----------
    where : str
        Dotted location, e.g. ``"features.weight.monotonic"``.
    expected : str
        What a valid value looks like.
    received : str
        What was given (already ``repr``-ed where useful).
    fix : str
        How to fix it.
    feature : str or None
        The feature concerned, if any.
    key : str or None
        The key concerned, if any.
    """

    where: str
    expected: str
    received: str
    fix: str = ""
    feature: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = f"{self.where}: expected {self.expected}; got {self.received}."
        if self.fix:
            text += f" {self.fix}"
        return text


class SpecError(PriorMLError, ValueError):
    """Invalid spec, estimator input or data; lists every problem found.

    Attributes
    ----------
    problems : list of Problem
        The problems, in a stable order (the order of the spec).
    """

    def __init__(self, problems: Problem | Sequence[Problem] | str, *, title: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(where="input", expected="valid input", received=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        n = len(self.problems)
        head = title or ("Invalid spec" if type(self) is SpecError else "Invalid data")
        lines = [f"{head}: {n} problem{'s' if n != 1 else ''} found."]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class DataError(SpecError):
    """Data given to ``fit``/``predict`` does not match the spec."""


class BackendUnavailableError(PriorMLError, ImportError):
    """A backend's framework (TensorFlow Lattice, PyMC) cannot be imported."""


class ModelFormatError(PriorMLError, ValueError):
    """A saved-model directory is missing, corrupted or not a priorml model."""


class ConstraintWarning(UserWarning):
    """A constraint is only approximately enforced or could not be checked."""


class SamplerWarning(UserWarning):
    """MCMC diagnostics failed (r-hat, ESS, divergences, BFMI)."""


class DataWarning(UserWarning):
    """The data and the spec fit together by the letter but probably not as meant (e.g. a clip
    range or explicit keypoints that hold every training value at one point)."""


def did_you_mean(word: object, options: Iterable[object]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest option, or ``""``."""
    opts = [str(o) for o in options]
    close = difflib.get_close_matches(str(word), opts, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def short_list(values: Iterable[object], n: int = 20) -> str:
    """``repr`` of a list of values, cut after ``n`` with the total, so that a message about 10**5 categories,
    keypoints or rows stays short: ``"[1, 2, 3, ...] (100000 in all)"``."""
    values = list(values)
    if len(values) <= n:
        return repr(values)
    return repr(values[:n])[:-1] + f", ...] ({len(values)} in all)"


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (its type's name when the message is empty), for one-line reports."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
