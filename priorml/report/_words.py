"""The spec in plain words: one sentence per declared constraint, for reviewers.

Everything here is pure text built from a :class:`~priorml.spec.Spec`; no
modelling framework is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import CategoricalFeature, NumericFeature, Spec
from ..spec.constraints import Dominance, Trust

__all__ = ["Statement", "describe_spec"]

ALL_ELSE = " (all else equal)"


@dataclass(frozen=True)
class Statement:
    """One sentence of the spec in words.

    Attributes
    ----------
    kind : str
        ``monotonic``, ``convex``, ``concave``, ``unimodal``, ``order``,
        ``trust``, ``dominance``, ``output``, ``prior``, ``missing``, ``free``
        or ``task``.
    features : str
        The feature(s) concerned, ``"(output)"`` or ``""``.
    text : str
        The sentence (plain text; escape it before putting it in HTML).
    names : tuple of str
        The names of the features concerned, exactly (``features`` joins
        them with ``" | "``, ``" > "`` or ``", "``, which a feature's own
        name may contain).
    """

    kind: str
    features: str
    text: str
    names: tuple = ()

    def to_dict(self) -> dict:
        return {"kind": self.kind, "features": self.features, "text": self.text, "names": list(self.names)}


def _target(spec: Spec) -> str:
    return spec.target or "the target"


def _pred(spec: Spec, scale: str = "value") -> str:
    """What is predicted, on the scale a constraint is stated on."""
    t = _target(spec)
    if spec.task == "classification":
        return f"the predicted log-odds of {t}" if scale == "logit" else f"the predicted probability of {t}"
    return f"predicted {t}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _numeric(spec: Spec, f: NumericFeature) -> list[Statement]:
    out: list[Statement] = []
    p = _pred(spec)
    if f.monotonic:
        never = "decreases" if f.monotonic > 0 else "increases"
        out.append(Statement("monotonic", f.name, _cap(f"{p} never {never} when {f.name} increases{ALL_ELSE}."),
                             (f.name,)))
    if f.shape:
        pl = _pred(spec, "logit")
        grows = {("convex", -1): f"each further increase in {f.name} lowers it by less than the one before (diminishing drops)",
                 ("convex", 1): f"each further increase in {f.name} raises it by more than the one before (accelerating growth)",
                 ("concave", 1): f"each further increase in {f.name} raises it by less than the one before (diminishing returns)",
                 ("concave", -1): f"each further increase in {f.name} lowers it by more than the one before (accelerating drops)"}
        how = grows.get((f.shape, f.monotonic),
                        f"its slope along {f.name} never {'decreases' if f.shape == 'convex' else 'increases'} as {f.name} grows")
        out.append(Statement(f.shape, f.name, _cap(f"{pl} is {f.shape} in {f.name}{ALL_ELSE}: {how}."), (f.name,)))
    if f.unimodal:
        if f.unimodal == "peak":
            text = f"{p} has a single peak along {f.name}: it rises up to one value of {f.name}, then falls{ALL_ELSE}."
        else:
            text = f"{p} has a single valley along {f.name}: it falls down to one value of {f.name}, then rises{ALL_ELSE}."
        out.append(Statement("unimodal", f.name, _cap(text), (f.name,)))
    if f.clip is not None:
        out.append(Statement("missing", f.name, f"Values of {f.name} are clipped to [{f.clip[0]:g}, {f.clip[1]:g}] "
                                                 "before the model sees them.", (f.name,)))
    out.extend(_missing(f))
    return out


def _missing(f: NumericFeature | CategoricalFeature) -> list[Statement]:
    m = f.missing
    if m == "error":
        return []
    if isinstance(m, (int, float)) and not isinstance(m, bool):
        text = f"Missing values of {f.name} are replaced with {m:g}."
    elif m == "category":
        text = f"Missing values of {f.name} form a category of their own (unconstrained)."
    elif m == "mode":
        text = f"Missing values of {f.name} are replaced with its most frequent category in the training data."
    else:
        text = f"Missing values of {f.name} are replaced with the training {m}."
    return [Statement("missing", f.name, text, (f.name,))]


def _categorical(spec: Spec, f: CategoricalFeature) -> list[Statement]:
    out: list[Statement] = []
    p = _pred(spec)
    for chain in f.order:
        levels = " \u2264 ".join(f"{f.name}={c}" for c in chain)
        out.append(Statement("order", f.name, _cap(f"{p} is ordered across categories: {levels}{ALL_ELSE}."),
                             (f.name,)))
    out.extend(_missing(f))
    return out


def _interaction(spec: Spec, inter: Trust | Dominance) -> Statement:
    p = _pred(spec, "logit")
    if isinstance(inter, Trust):
        more = "more" if inter.direction > 0 else "less"
        if inter.kind == "edgeworth":
            text = (f"The effect of {inter.feature} on {p} gets {'stronger' if inter.direction > 0 else 'weaker'} "
                    f"as {inter.by} increases: {inter.feature} is trusted {more} when {inter.by} is high "
                    f"(edgeworth trust: the slope along {inter.feature} grows in size with {inter.by} everywhere).")
        else:
            text = (f"The range of {p} along {inter.feature} {'widens' if inter.direction > 0 else 'narrows'} "
                    f"as {inter.by} increases: {inter.feature} is trusted {more} when {inter.by} is high (trapezoid trust).")
        return Statement("trust", f"{inter.feature} | {inter.by}", text, (inter.feature, inter.by))
    if inter.kind == "range":
        text = (f"{inter.feature} matters at least as much as {inter.over}: the total change of {p} across the range "
                f"of {inter.feature} is at least that across the range of {inter.over} (range dominance).")
    else:
        text = (f"{inter.feature} matters at least as much as {inter.over}: the slope of {p} along {inter.feature} is "
                f"at least the slope along {inter.over}, per unit of calibrated input (monotonic dominance).")
    return Statement("dominance", f"{inter.feature} > {inter.over}", text, (inter.feature, inter.over))


def _output(spec: Spec) -> Statement | None:
    o = spec.output
    if o is None:
        return None
    p = _cap(_pred(spec))
    if o.min is not None and o.max is not None:
        text = f"{p} always lies between {o.min:g} and {o.max:g}."
    elif o.min is not None:
        text = f"{p} is never below {o.min:g}."
    else:
        text = f"{p} is never above {o.max:g}."
    return Statement("output", "(output)", text)


def _priors(spec: Spec) -> list[Statement]:
    out: list[Statement] = []
    t = _target(spec)
    scale = "log-odds of " + t if spec.task == "classification" else t
    for e in spec.priors.effects:
        lo, hi = e.effect
        out.append(Statement("prior", e.feature,
                             f"Prior belief (Bayesian fits only): from the first to the last keypoint of {e.feature} "
                             f"(by default its smallest and largest training values), "
                             f"{scale} changes by between {lo:g} and {hi:g}, with probability {e.prob:g}.",
                             (e.feature,)))
    if spec.priors.noise is not None:
        out.append(Statement("prior", "(noise)", f"Prior belief (Bayesian fits only): the noise standard deviation is "
                                                 f"of the order of {spec.priors.noise.scale:g} (half-normal scale)."))
    if spec.priors.intercept is not None:
        ip = spec.priors.intercept
        out.append(Statement("prior", "(intercept)", f"Prior belief (Bayesian fits only): the mean prediction is "
                                                     f"{ip.mean:g} \u00b1 {ip.sd:g} (normal)."))
    return out


def describe_spec(spec: Spec) -> list[Statement]:
    """The spec as sentences, one per constraint, in spec order.

    Parameters
    ----------
    spec : Spec
        The constraint spec.

    Returns
    -------
    list of Statement
        First the task, then each feature's constraints (and missing-value
        handling), the unconstrained features in one sentence, the pairwise
        constraints, the output bounds and the priors.

    Examples
    --------
    >>> from priorml import Spec
    >>> spec = Spec.from_dict({"target": "mpg", "features": {"weight": {"monotonic": "decreasing"}}})
    >>> describe_spec(spec)[1].text
    'Predicted mpg never increases when weight increases (all else equal).'
    """
    t = _target(spec)
    task = ("Regression: predict " + t if spec.task == "regression"
            else f"Binary classification: predict the probability of {t}")
    names = ", ".join(spec.feature_names)
    out = [Statement("task", "", f"{task} from {len(spec.features)} feature{'s' if len(spec.features) != 1 else ''} "
                                 f"({names}).")]
    free: list[str] = []
    free_names: list[str] = []
    for f in spec.features:
        if isinstance(f, NumericFeature):
            out.extend(_numeric(spec, f))
        else:
            out.extend(_categorical(spec, f))
        if not f.is_constrained:
            free.append(f"{f.name} (categorical)" if isinstance(f, CategoricalFeature) else f.name)
            free_names.append(f.name)
    if free:
        listed = free[0] if len(free) == 1 else ", ".join(free[:-1]) + " and " + free[-1]
        out.append(Statement("free", ", ".join(free_names),
                             f"No shape constraint on {listed}: the model learns "
                             f"{'its' if len(free) == 1 else 'their'} effect freely.", tuple(free_names)))
    out.extend(_interaction(spec, i) for i in spec.interactions)
    o = _output(spec)
    if o is not None:
        out.append(o)
    out.extend(_priors(spec))
    return out
