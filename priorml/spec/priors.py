"""Priors on effect sizes, the noise scale and the intercept.

They are validated with the spec and used only by the Bayesian backend. An
effect prior is stated on the *total change of the prediction across the
feature's keypoint range*, from its first to its last keypoint:
``{effect: [-20, -5], prob: 0.9}`` says "with probability 0.9 the prediction
drops by between 5 and 20 from the lightest to the heaviest car". By default the
keypoints span the training values (smallest to largest); with ``clip`` they
span the clip range, and with an explicit ``keypoints`` list they run from its
first to its last value even where that is wider than the data (data in
[0.2, 0.8] with keypoints [0, 0.5, 1]: the prior is on the change from 0 to 1,
and the change from 0.2 to 0.8 is smaller). Inputs are clipped to the
keypoints, so the effect is flat beyond them. See :class:`EffectPrior` for the
scale (linear predictor) and for edgeworth trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _canon
from ._check import Checker

__all__ = ["EffectPrior", "NoisePrior", "InterceptPrior", "Priors", "RESERVED_PRIOR_KEYS"]

RESERVED_PRIOR_KEYS = ("noise", "intercept")


@dataclass(frozen=True)
class EffectPrior:
    """``P(low <= effect <= high) = prob`` for one numeric feature.

    ``effect`` is the change of the feature's effect from its first to its last
    keypoint: by default the smallest and the largest training value, the ends
    of ``clip`` with a clip range, the first and last value of an explicit
    ``keypoints`` list (even where the data do not reach them; the change over
    the data's narrower range is then smaller). Inputs are clipped to the
    keypoints, so the effect is flat beyond them.

    It is the change of the Bayesian model's linear predictor: the prediction's
    change for gaussian/student_t without output bounds; logits for a classifier,
    log-rate for poisson, inside the bounds' link with output bounds (the
    prediction changes less near a bound), translated to log units for
    lognormal at the mean prediction ``exp(intercept + sigma^2 / 2)`` where
    every effect is at its average over the training rows (first order, in
    each draw of the intercept and the noise sd ``sigma`` of ``log y``).

    For the main ``feature`` of an edgeworth trust it is a prior on the main
    effect alone: the prediction's change across the feature's range where the
    condition ``by`` is at its first keypoint (``direction`` positive) or its
    last (negative), where the trust surface adds nothing to it. At any other
    value of the condition the surface adds a change of the same sign, so the
    prediction changes more than the prior states (by how much follows from
    the surface's own prior, ``trust_k_mixed`` in ``prior_table_``). Likewise a
    prior on the condition holds at one end of the main feature's range only.
    """

    feature: str
    effect: tuple[float, float]
    prob: float = 0.9

    def __post_init__(self) -> None:
        object.__setattr__(self, "feature", _canon.feature_name(self.feature))
        chk = Checker(f"priors.{self.feature}", self.feature)
        eff = _canon.plain_data(self.effect)
        if not isinstance(eff, (list, tuple)) or len(eff) != 2:
            chk.add("effect", "a range [low, high] of the total change across the feature's range", eff,
                    "Write effect: [low, high] in target units (logits for a classifier), e.g. [-20, -5].")
        else:
            lo = chk.canon("effect", eff[0], _canon.number)
            hi = chk.canon("effect", eff[1], _canon.number)
            if lo is not None and hi is not None:
                if lo >= hi:
                    chk.add("effect", "low < high", list(eff), "Write the range as [low, high], e.g. [-20, -5].")
                object.__setattr__(self, "effect", (lo, hi))
        p = chk.canon("prob", self.prob, _canon.number, "Write a probability such as prob: 0.9.")
        if p is not None and not 0.0 < p < 1.0:
            chk.add("prob", "a probability strictly between 0 and 1", self.prob, "For example prob: 0.9.")
        if p is not None:
            object.__setattr__(self, "prob", p)
        chk.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        return {"effect": list(self.effect), "prob": self.prob}


@dataclass(frozen=True)
class NoisePrior:
    """Half-normal prior on the noise standard deviation, with this scale (in target units)."""

    scale: float

    def __post_init__(self) -> None:
        chk = Checker("priors.noise")
        s = chk.canon("scale", self.scale, _canon.number)
        if s is not None and s <= 0:
            chk.add("scale", "a positive number (target units)", self.scale,
                    "The scale is a typical noise standard deviation in target units, e.g. scale: 5.")
        object.__setattr__(self, "scale", s if s is not None else self.scale)
        chk.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale}


@dataclass(frozen=True)
class InterceptPrior:
    """Normal prior on the mean prediction (target units)."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        chk = Checker("priors.intercept")
        m = chk.canon("mean", self.mean, _canon.number)
        s = chk.canon("sd", self.sd, _canon.number)
        if s is not None and s <= 0:
            chk.add("sd", "a positive number", self.sd,
                    "Give the uncertainty about the mean prediction as a standard deviation in target units, "
                    "e.g. sd: 10.")
        object.__setattr__(self, "mean", m if m is not None else self.mean)
        object.__setattr__(self, "sd", s if s is not None else self.sd)
        chk.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd}


@dataclass(frozen=True)
class Priors:
    """All priors of a spec."""

    effects: tuple[EffectPrior, ...] = ()
    noise: NoisePrior | None = None
    intercept: InterceptPrior | None = None

    def __post_init__(self) -> None:
        from ..errors import SpecError

        chk = Checker("priors")
        effects = self.effects
        if isinstance(effects, EffectPrior):
            effects = (effects,)
        if isinstance(effects, (dict, str)) or not isinstance(effects, (list, tuple)):
            chk.add("effects", "a list of EffectPrior", effects,
                    "Pass effects=[EffectPrior('weight', (-20, -5), 0.9)], or build the spec from a dict with "
                    "Spec.from_dict({..., 'priors': {'weight': {'effect': [-20, -5], 'prob': 0.9}}}).")
            effects = ()
        effects = tuple(effects)
        for p in effects:
            if not isinstance(p, EffectPrior):
                chk.add("effects", "EffectPrior objects", p, "Write EffectPrior(feature, (low, high), prob) for each.")
        names = [p.feature for p in effects if isinstance(p, EffectPrior)]
        for name in dict.fromkeys(n for n in names if names.count(n) > 1):
            chk.add(f"{name}", "one effect prior per feature", f"{names.count(name)} priors on {name!r}",
                    "Keep one of them.", raw=True)
        for key, kind, example in (("noise", NoisePrior, "NoisePrior(scale=3.0)"),
                                   ("intercept", InterceptPrior, "InterceptPrior(mean=0.0, sd=10.0)")):
            value = getattr(self, key)
            if value is not None and not isinstance(value, kind):
                chk.add(key, f"an {kind.__name__} or None" if kind.__name__[0] in "AEIOU" else f"a {kind.__name__} or None",
                        value, f"Write {key}={example}.")
        if chk.problems:
            raise SpecError(chk.problems)
        object.__setattr__(self, "effects", effects)

    def __bool__(self) -> bool:
        return bool(self.effects or self.noise or self.intercept)

    def effect(self, feature: str) -> EffectPrior | None:
        for p in self.effects:
            if p.feature == feature:
                return p
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {p.feature: p.to_dict() for p in self.effects}
        if self.noise:
            out["noise"] = self.noise.to_dict()
        if self.intercept:
            out["intercept"] = self.intercept.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> "Priors":
        from ..errors import SpecError

        chk = Checker("priors")
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            chk.add(None, "a mapping {feature: {effect: [low, high], prob: p}, noise: {scale: s}}", raw,
                    "Write one entry per prior, e.g. priors: {weight: {effect: [-20, -5], prob: 0.9}}.")
            raise SpecError(chk.problems)
        effects, noise, intercept = [], None, None
        builders = {
            "noise": (NoisePrior, ("scale",)),
            "intercept": (InterceptPrior, ("mean", "sd")),
        }
        for name, body in raw.items():
            name = _canon.feature_name(name)
            sub = Checker(f"priors.{name}", None if name in builders else name)
            cls_, keys = builders.get(name, (EffectPrior, ("effect", "prob")))
            if not isinstance(body, dict):
                example = {"noise": "{scale: 5}", "intercept": "{mean: 0, sd: 10}"}.get(
                    name, "{effect: [low, high], prob: 0.9}")
                sub.add(None, "a mapping with keys " + ", ".join(keys), body, f"Write {name}: {example}.")
                chk.problems.extend(sub.problems)
                continue
            sub.unknown_keys(body, keys, f"a prior on {name!r}")
            required = keys if cls_ is not EffectPrior else ("effect",)
            for k in required:
                if k not in body:
                    sub.add(k, "a value", "nothing", f"Add '{k}'.", raw=True)
            if sub.problems:
                chk.problems.extend(sub.problems)
                continue
            try:
                if cls_ is EffectPrior:
                    effects.append(EffectPrior(name, body["effect"], body.get("prob", 0.9)))
                elif cls_ is NoisePrior:
                    noise = NoisePrior(body["scale"])
                else:
                    intercept = InterceptPrior(body["mean"], body["sd"])
            except SpecError as exc:
                chk.problems.extend(exc.problems)
        chk.raise_if_any()
        return cls(tuple(effects), noise, intercept)
