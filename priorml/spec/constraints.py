"""Constraints that involve the output or two features: bounds, trust, dominance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Union

from . import _canon
from ._check import Checker

__all__ = ["Output", "Trust", "Dominance", "Interaction", "interaction_from_dict"]


@dataclass(frozen=True)
class Output:
    """Bounds on the prediction (regression: the predicted value)."""

    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        chk = Checker("output")
        for key in ("min", "max"):
            val = getattr(self, key)
            if val is not None:
                object.__setattr__(self, key, chk.canon(key, val, _canon.number))
        if self.min is not None and self.max is not None and self.min >= self.max:
            chk.add("min", f"min < max (max is {self.max})", self.min, "Swap min and max or widen the range.")
        chk.raise_if_any()

    @property
    def bounded(self) -> bool:
        return self.min is not None or self.max is not None

    def to_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("min", "max") if getattr(self, k) is not None}


@dataclass(frozen=True)
class Trust:
    """Trust the ``feature`` more (``direction=1``) or less as ``by`` grows.

    ``edgeworth``: the slope of the prediction along ``feature`` grows with
    ``by`` everywhere (non-negative mixed differences); ``trapezoid``: the
    range of the prediction along ``feature`` widens with ``by``.
    ``feature`` must be monotonic.
    """

    feature: str
    by: str
    kind: Literal["edgeworth", "trapezoid"] = "edgeworth"
    direction: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "feature", _canon.feature_name(self.feature))
        object.__setattr__(self, "by", _canon.feature_name(self.by))
        chk = Checker(f"interactions[trust {self.feature} by {self.by}]", self.feature)
        object.__setattr__(self, "kind", chk.canon("trust", self.kind, lambda v: _canon.choice(v, ("edgeworth", "trapezoid"), allow_none=False), default="edgeworth"))
        object.__setattr__(self, "direction", chk.canon("direction", self.direction, _canon.direction, default=1))
        _check_pair(chk, self.feature, self.by, "by")
        chk.raise_if_any()

    @property
    def features(self) -> tuple[str, str]:
        return (self.feature, self.by)

    def to_dict(self) -> dict[str, Any]:
        return {"trust": self.kind, "feature": self.feature, "by": self.by,
                "direction": _canon.direction_name(self.direction)}


@dataclass(frozen=True)
class Dominance:
    """``feature`` affects the prediction at least as much as ``over``.

    ``monotonic``: the slope along ``feature`` is at least the slope along
    ``over`` (per unit of the calibrated input); ``range``: the range of the
    effect of ``feature`` is at least that of ``over``. Both features must be
    monotonic in the same direction.
    """

    feature: str
    over: str
    kind: Literal["monotonic", "range"] = "monotonic"

    def __post_init__(self) -> None:
        object.__setattr__(self, "feature", _canon.feature_name(self.feature))
        object.__setattr__(self, "over", _canon.feature_name(self.over))
        chk = Checker(f"interactions[dominance {self.feature} over {self.over}]", self.feature)
        object.__setattr__(self, "kind", chk.canon("dominance", self.kind, lambda v: _canon.choice(v, ("monotonic", "range"), allow_none=False), default="monotonic"))
        _check_pair(chk, self.feature, self.over, "over")
        chk.raise_if_any()

    @property
    def features(self) -> tuple[str, str]:
        return (self.feature, self.over)

    def to_dict(self) -> dict[str, Any]:
        return {"dominance": self.kind, "feature": self.feature, "over": self.over}


Interaction = Union[Trust, Dominance]


def _check_pair(chk: Checker, a: Any, b: Any, key: str) -> None:
    for k, v in (("feature", a), (key, b)):
        if not isinstance(v, str) or not v:
            chk.add(k, "a feature name", v, "Name a feature declared under features, as text.")
    if a == b:
        chk.add(key, "a feature different from 'feature'", b, "An interaction relates two different features.")


_TRUST_KEYS = ("trust", "feature", "by", "direction")
_DOMINANCE_KEYS = ("dominance", "feature", "over")


def interaction_from_dict(i: int, raw: Any) -> Interaction:
    """Parse one entry of the ``interactions`` list."""
    from ..errors import SpecError

    chk = Checker(f"interactions[{i}]")
    if not isinstance(raw, dict) or ("trust" in raw) == ("dominance" in raw):
        both = isinstance(raw, dict) and "trust" in raw
        chk.add(None, "a mapping with exactly one of 'trust' or 'dominance', e.g. "
                "{trust: edgeworth, feature: a, by: b, direction: positive}", raw,
                "Split it into two entries of the interactions list, one per constraint." if both else
                "Start the entry with trust: edgeworth (or trapezoid) or dominance: monotonic (or range), "
                "then name the features.")
        raise SpecError(chk.problems)
    keys = _TRUST_KEYS if "trust" in raw else _DOMINANCE_KEYS
    chk.unknown_keys(raw, keys, "a trust interaction" if "trust" in raw else "a dominance interaction")
    for required in keys[1:3]:
        if required not in raw:
            chk.add(required, "a feature name", "nothing", f"Add '{required}: <feature>'.", raw=True)
    chk.raise_if_any()
    try:
        if "trust" in raw:
            return Trust(_canon.feature_name(raw["feature"]), _canon.feature_name(raw["by"]), raw["trust"],
                         raw.get("direction", 1))
        return Dominance(_canon.feature_name(raw["feature"]), _canon.feature_name(raw["over"]), raw["dominance"])
    except SpecError as exc:
        raise SpecError([_relocate(p, chk.where) for p in exc.problems]) from None


def _relocate(problem, where: str):
    from dataclasses import replace

    key = problem.where.rsplit(".", 1)[-1] if "." in problem.where else None
    return replace(problem, where=f"{where}.{key}" if key else where)
