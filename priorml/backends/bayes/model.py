"""Spec -> PyMC model. Every constraint holds by reparameterisation.

The model is additive on the linear-predictor scale::

    eta(x) = b0 + sum_j g_j(x_j) + sum_(trust a|b) h_ab(x_a, x_b)

Each ``g_j`` is piecewise linear on the feature's keypoints, written through
its slopes ``s_i`` per unit of the scaled range ``u in [0, 1]`` (segment
widths ``w_i`` sum to 1) and its *total effect* ``R = sum_i s_i w_i`` (the
change of ``eta`` from the smallest to the largest keypoint):

* unconstrained: ``s = R + d - sum(w d)``, ``d`` a Gaussian random walk
  (smoothness prior on slope changes);
* monotone (direction ``m``): ``s = m R q / sum(q w)`` with ``R > 0`` and
  ``q = exp(random walk) > 0``: every slope has the sign ``m``;
* monotone and convex/concave: as monotone, with ``q`` a cumulative sum of
  non-negative increments (non-decreasing or non-increasing as needed);
* convex/concave only: ``s = R + c - sum(w c)``, ``c`` cumulative sums of
  non-negative (convex) or non-positive (concave) increments;
* unimodal peak (valley: negated): ``s_i = A q_i / sum(q w) tanh((mode - u_i) / eps)``
  with ``q = exp(random walk)`` and the mode a parameter in (0, 1): the sign of
  the slopes changes once, from + to -, so the curve rises then falls, whatever
  the draw; its rise plus fall is at most ``A``;
* ordered categories: each level is the largest of its lower neighbours plus
  a half-normal increment;
* edgeworth trust: ``h`` on a coarse 2-D grid built from non-negative mixed
  differences, anchored so that the slope along the main feature keeps its
  sign and grows (or shrinks) with the condition, and the slope along a
  monotone condition keeps the condition's sign;
* dominance: the dominant feature's slopes (monotonic) or total effect
  (range) are the dominated one's maximum plus a positive excess;
* output bounds: a scaled sigmoid link (both bounds) or a softplus (one bound).

A user's effect prior is a prior on ``R``, the change of the additive predictor
``eta``: in target units for gaussian and student_t (inside the bounds' link when
the output is bounded, so the prediction changes less near a bound), in logits
for classifiers and log-rate for poisson; for lognormal, the change of the mean
prediction translated to log units at the mean prediction where every term is 0,
``exp(intercept + sigma^2 / 2)``, in each draw (first order); the prior table says which. ``R`` is
the change between the feature's first and last keypoint, whatever the data's
range: explicit keypoints wider than the data put the prior on the wider range.
On the main feature of an edgeworth trust, ``R`` is the main effect's change only,
which is the change of ``eta`` across the feature only where the condition is at
the end of its range where ``h`` adds nothing along the main feature (its first
keypoint for a positive trust, its last for a negative one); elsewhere ``h`` adds
a change of the same sign (and a prior on the condition holds only at one end of
the main feature's range).

``likelihood="lognormal"`` models ``log y`` (standardised) with this additive
predictor and Gaussian noise: the prediction is the mean
``E[y] = exp(mu + sigma^2 / 2)``, an increasing function of ``eta`` for each
draw (sigma does not depend on x). Increasing maps keep monotonicity,
unimodality, orders, monotonic dominance and a lower bound <= 0, and exp of a
convex curve is convex; concavity, trust, range dominance and other bounds
are not kept, so :func:`verify_spec` refuses them.

Each term is centred on the training rows (a constant shift), which
decorrelates the intercept from the effects without changing any shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import Problem, SpecError
from ...spec import CategoricalFeature, NumericFeature, Spec
from ...spec.features import _cat_key
from .design import Term, segment_midpoints, unit_widths
from .priors import PriorRecord, elicit_magnitude, elicit_signed

LIKELIHOODS = ("gaussian", "student_t", "lognormal", "poisson", "bernoulli")
UNIMODAL_EPS = 0.05
# Default prior median of a numeric feature's total effect (its change across the range) without a user
# prior, in model units: standard deviations of the (log-)target, log-rate, or logits; for the likelihoods
# in LEARNED_BY_DEFAULT, the prior median of the shared level learned from the data (effect_scale="learn").
# Chosen by 3-fold CV on training rows of the benchmark suite's datasets (benchmarks/diag_bayes_priors.py;
# RESULTS.md): classifiers, "learn" ahead of every fixed scale at n = 50, 100, 200; regression, the fixed
# scale 2 level with "learn" (mean CV loss ratio 1.0095 against 1.012).
DEFAULT_EFFECT_SCALE = {"bernoulli": 8.0}
DEFAULT_EFFECT_SCALE_OTHER = 2.0
LEARNED_BY_DEFAULT = frozenset({"bernoulli"})


def default_effect_scale(likelihood: str) -> float:
    """The ``effect_scale`` used when the estimator's is None (for a likelihood in ``LEARNED_BY_DEFAULT``,
    and with ``"learn"``, the prior median of the shared level)."""
    return DEFAULT_EFFECT_SCALE.get(likelihood, DEFAULT_EFFECT_SCALE_OTHER)


class _EffectLevel:
    """Log of the default effect size: a constant, or (``effect_scale="learn"``) one parameter shared by
    every numeric feature without a user prior, ``Normal(log s, 1)`` with ``s`` the task default, created
    the first time a feature asks for it. Each such feature's log effect size is the level plus its own
    ``Normal(0, 1)`` deviation, so the data set how large effects typically are (partial pooling)."""

    def __init__(self, pm, effect_scale, likelihood: str, unit: str, records: list):
        self.learn = (isinstance(effect_scale, str) and effect_scale == "learn") or (
            effect_scale is None and likelihood in LEARNED_BY_DEFAULT)
        scale = default_effect_scale(likelihood) if effect_scale is None or self.learn else float(effect_scale)
        self.log_scale = float(np.log(scale))
        self._pm, self._unit, self._records, self._var = pm, unit, records, None

    def __call__(self):
        if not self.learn:
            return self.log_scale
        if self._var is None:
            self._var = self._pm.Normal("effect_level", self.log_scale, 1.0)
            self._records.append(PriorRecord(
                "effect_level", None, "Normal", {"mu": self.log_scale, "sigma": 1.0}, "scaled",
                f"log of the typical |total change| across the range, {self._unit}; shared by the numeric "
                "features without a user prior, learned from the data"))
        return self._var

    def note(self) -> str:
        return ("; hierarchical: log |change| = effect_level + Normal(0, 1), shown here marginally"
                if self.learn else "")


def verify_spec(spec: Spec, likelihood: str) -> None:
    """Refuse, before sampling, what this model cannot guarantee exactly."""
    problems: list[Problem] = []
    bounds = spec.output
    for f in spec.features:
        if not isinstance(f, NumericFeature) or not f.shape or bounds is None or likelihood == "lognormal":
            continue
        two = bounds.min is not None and bounds.max is not None
        bad = two or (bounds.max is None and f.shape == "concave") or (bounds.min is None and f.shape == "convex")
        if bad:
            problems.append(Problem(
                f"features.{f.name}.shape", "a curvature that the output link preserves",
                f"{f.shape!r} with output bounds {bounds.to_dict()}",
                "The Bayesian backend bounds the output with a sigmoid (two bounds) or a softplus (one bound), which "
                "bends curves; a lower bound alone keeps convexity, an upper bound alone keeps concavity. "
                "Drop a bound or the shape.", f.name, "shape"))
    if likelihood == "poisson" and bounds is not None:
        problems.append(Problem("output", "no output bounds with the poisson likelihood (rates are positive already)",
                                repr(bounds.to_dict()), "Remove the output block."))
    if likelihood == "lognormal" and bounds is not None and (bounds.max is not None or bounds.min > 0):
        problems.append(Problem("output", "at most a lower bound <= 0 with the lognormal likelihood (its predictions "
                                "are positive already)", repr(bounds.to_dict()),
                                "Remove the output block (or keep only min: 0), or use likelihood='gaussian'."))
    # A curved link between the additive predictor and the prediction (sigmoid/softplus for bounds, exp for
    # rates) keeps single-feature monotonicity and unimodality, but not what compares points across features.
    curved = (f"the exp link of the {likelihood} likelihood" if likelihood in ("poisson", "lognormal") else
              f"the output bounds {bounds.to_dict()}" if bounds is not None and likelihood != "bernoulli" else None)
    if likelihood in ("poisson", "lognormal"):
        what = "rate" if likelihood == "poisson" else "mean"
        for f in spec.features:
            if isinstance(f, NumericFeature) and f.shape == "concave":
                problems.append(Problem(f"features.{f.name}.shape", f"no concave shape with the {likelihood} likelihood",
                                        "'concave'", f"The {what} is exp(additive predictor), and exp of a concave curve is "
                                        "not concave; drop the shape or use likelihood='gaussian'.", f.name, "shape"))
    in_trust = set()
    for t in spec.trusts:
        where = f"interactions[trust {t.feature} by {t.by}]"
        in_trust |= {t.feature, t.by}
        if t.kind == "trapezoid":
            problems.append(Problem(f"{where}.trust", "edgeworth trust in the Bayesian backend", "'trapezoid'",
                                    "Trapezoid trust constrains the whole effect of the condition at both ends of the main "
                                    "feature, which an additive model cannot express exactly; use edgeworth or the lattice backend.",
                                    t.feature, "trust"))
        if curved:
            problems.append(Problem(f"{where}.trust", "no trust interaction through a curved output link",
                                    f"edgeworth trust with {curved}",
                                    "The link bends the interaction surface, so the slope along the main feature would no "
                                    "longer grow (or shrink) with the condition everywhere; drop the trust or the bounds, "
                                    "or use the lattice backend.", t.feature, "trust"))
        main, by = spec[t.feature], spec[t.by]
        if isinstance(main, NumericFeature) and main.shape:
            problems.append(Problem(f"{where}.feature", "a main feature without convex/concave shape in the Bayesian backend",
                                    f"{t.feature!r} with shape {main.shape!r}",
                                    "The interaction surface would bend the curve; drop the shape or use the lattice backend.",
                                    t.feature, "feature"))
        if isinstance(by, NumericFeature) and (by.shape or by.unimodal):
            problems.append(Problem(f"{where}.by", "a condition without shape or unimodal constraint",
                                    f"{t.by!r}", "The interaction surface would bend the condition's curve; drop one of the two.",
                                    t.by, "by"))
    for d in spec.dominances:
        where = f"interactions[dominance {d.feature} over {d.over}]"
        if {d.feature, d.over} & in_trust:
            problems.append(Problem(f"{where}.feature", "dominance between features that are in no trust interaction",
                                    f"{d.feature!r} / {d.over!r}", "Trust adds slope that the dominance could not see; drop one.",
                                    d.feature, "feature"))
        if curved and d.kind == "range":
            problems.append(Problem(f"{where}.dominance", "no range dominance through a curved output link",
                                    f"range dominance with {curved}",
                                    "The link compresses an effect more where the other features push the prediction "
                                    "towards a bound, so the ranges of the two effects could swap; use monotonic "
                                    "dominance, or drop the bounds.", d.feature, "dominance"))
        if spec.priors.effect(d.feature) is not None:
            problems.append(Problem(f"priors.{d.feature}", "no effect prior on the dominant feature of a dominance",
                                    "an effect prior", "The dominance sets a floor on its effect, so the prior would describe "
                                    "only the excess; remove the prior or the dominance.", d.feature, "effect"))
    for p in spec.priors.effects:
        f = spec[p.feature]
        if isinstance(f, NumericFeature) and f.unimodal and not f.shape:
            problems.append(Problem(f"priors.{p.feature}", "no effect prior on a unimodal feature",
                                    "an effect prior", "The change across the range says nothing of the size of a peak; remove it.",
                                    p.feature, "effect"))
    ip, ns = spec.priors.intercept, spec.priors.noise
    if ip is not None and likelihood in ("lognormal", "poisson") and ip.mean <= 0:
        level = "typical count" if likelihood == "poisson" else "typical target level"
        problems.append(Problem("priors.intercept.mean", f"a positive mean with likelihood={likelihood!r}", repr(ip.mean),
                                f"The mean prediction is positive with this likelihood; give the {level} (> 0), "
                                "or remove the prior.", key="mean"))
    if ip is not None and likelihood in ("gaussian", "student_t") and bounds is not None and not (
            (bounds.min is None or bounds.min < ip.mean) and (bounds.max is None or ip.mean < bounds.max)):
        inside = (f"({bounds.min}, {bounds.max})" if bounds.min is not None and bounds.max is not None else
                  f"> {bounds.min}" if bounds.min is not None else f"< {bounds.max}")
        problems.append(Problem("priors.intercept.mean", f"a mean prediction strictly inside the output bounds {inside}",
                                repr(ip.mean), "Predictions stay inside the output bounds, so their mean cannot be at "
                                "or beyond one; give a typical prediction inside them, or remove the prior.", key="mean"))
    if ip is not None and likelihood == "bernoulli" and not 0 < ip.mean < 1:
        problems.append(Problem("priors.intercept.mean", "a probability in (0, 1) for a classifier (the typical "
                                "probability of classes_[1])", repr(ip.mean),
                                "A classifier predicts probabilities; give the base rate, e.g. {mean: 0.3, sd: 0.1}, "
                                "or remove the prior.", key="mean"))
    if ns is not None and likelihood in ("poisson", "bernoulli"):
        spread = "the rate (variance = mean)" if likelihood == "poisson" else "the probability"
        problems.append(Problem("priors.noise", f"no noise prior with likelihood={likelihood!r}",
                                repr(ns.to_dict()), f"This likelihood has no noise scale: its spread follows from "
                                f"{spread}. Remove priors.noise, or use likelihood='gaussian' or 'student_t'.",
                                key="noise"))
    if problems:
        raise SpecError(problems, title="Spec cannot be compiled by the Bayesian backend")


@dataclass
class BuildResult:
    model: Any
    records: list[PriorRecord] = field(default_factory=list)
    link: dict[str, Any] = field(default_factory=dict)
    data_names: list[str] = field(default_factory=list)


def model_target(likelihood: str, y: np.ndarray, schema) -> np.ndarray:
    """The target in model units, setting ``schema.y_mean``/``y_scale`` to what was standardised.

    gaussian/student_t: ``(y - mean) / sd``; lognormal: ``(log y - mean) / sd`` of ``log y`` (``y > 0``);
    poisson: the counts (mean 0, scale 1); bernoulli: the 0/1 codes, unchanged.
    """
    from ...errors import DataError

    y = np.asarray(y, dtype=float)
    if likelihood == "bernoulli":
        return y
    if likelihood == "poisson":
        if np.any(y < 0) or np.any(y != np.round(y)):
            raise DataError([Problem("y", "non-negative integer counts for likelihood='poisson'",
                                     "negative or fractional values", "Use likelihood='gaussian' for continuous targets.")])
        schema.y_mean, schema.y_scale = 0.0, 1.0
        return y
    if likelihood == "lognormal":
        if np.any(y <= 0):
            raise DataError([Problem("y", "a positive target for likelihood='lognormal'",
                                     f"{int(np.sum(y <= 0))} values <= 0 (smallest {y.min():g})",
                                     "Use likelihood='gaussian' or 'student_t', or shift the target.")])
        ly = np.log(y)
        sd = float(np.std(ly))
        schema.y_mean, schema.y_scale = float(np.mean(ly)), sd if sd > 1e-12 else 1.0
        return (ly - schema.y_mean) / schema.y_scale
    return schema.scale_y(y)


def uses_sufficient_statistics(spec: Spec, likelihood: str) -> bool:
    """Gaussian noise around a mean that is linear in the parameters (no output link): the
    log-likelihood depends on the data only through ``Z'Z``, ``Z'y`` and ``y'y``.

    The mean is ``Z beta`` with ``Z = [1, W_1, ..., W_T]`` (the interpolation weights of every
    term, fixed by the data) and ``beta`` the intercept and every term's vertex values, so
    ``sum (y - Z beta)^2 = y'y - 2 beta'Z'y + beta'Z'Z beta`` exactly. Each gradient then costs
    O(P^2) for P vertex values instead of O(n P): the fit time of NUTS stops growing with n.
    """
    return likelihood == "lognormal" or (likelihood == "gaussian" and spec.output is None)


def build_model(spec: Spec, schema, terms: list[Term], Xenc: np.ndarray, y: np.ndarray, *, likelihood: str,
                smoothness: float = 1.0, effect_scale: float | str | None = None,
                sufficient: bool | None = None, scaled_intercept: tuple[float, float] | None = None) -> BuildResult:
    """The PyMC model; ``y`` in model units (:func:`model_target`: standardised target or log-target,
    0/1, or counts).

    Where :func:`uses_sufficient_statistics` holds, the likelihood enters as a ``Potential``
    on the exact sufficient statistics (no per-row node ``y``); the pointwise log-likelihood is
    then computed from the draws after sampling (:func:`pointwise_log_likelihood`). The prior
    predictive never needs the likelihood term. ``sufficient=False`` forces the per-row
    likelihood (tests compare the two).

    The intercept's default prior is scaled to ``y`` for classifiers (the logit of the class share)
    and poisson (the log of the mean count). ``scaled_intercept=(mu, sigma)`` gives it instead: a
    prior predictive passes the fit's (recorded in the prior table), so that its draws come from the
    priors of the fit, not from priors scaled to a placeholder ``y``."""
    import pymc as pm
    import pytensor.tensor as pt

    records: list[PriorRecord] = []
    classification = likelihood == "bernoulli"
    counts = likelihood == "poisson"
    lognormal = likelihood == "lognormal"
    # user priors in target units -> model units; for lognormal, a noise sd of s target units at the geometric
    # mean g of y is one of about s / g in log y (first order, recorded as such in the prior table); effects
    # are translated below, at the level of the mean prediction
    level = float(np.exp(schema.y_mean)) if lognormal else 1.0
    scale = 1.0 if (classification or counts) else schema.y_scale * level
    unit = "logit" if classification else ("log-rate" if counts else
                                           "standardised log target" if lognormal else "standardised target")
    per_level = f"; translated to log units at the geometric mean of y ({level:.4g}), first order" if lognormal else ""
    per_mean_level = ("; translated to log units at the mean prediction where every effect is at its average over "
                      "the training rows, exp(intercept + sigma^2 / 2) in each draw (sigma the noise sd of log y), "
                      "first order" if lognormal else "")
    user_unit = _user_effect_unit(spec, likelihood)
    effect_level = _EffectLevel(pm, effect_scale, likelihood, unit, records)
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    coords = {"obs": np.arange(len(y))}

    sufficient = sufficient is not False and uses_sufficient_statistics(spec, likelihood)
    with pm.Model(coords=coords) as model:
        weights = {t.name: t.weights(Xenc) for t in terms}
        W = {} if sufficient else {name: pm.Data(f"W_{name}", w) for name, w in weights.items()}
        # ------------------------------------------------------------------ intercept
        ip = spec.priors.intercept
        log_mean = None  # lognormal with a user intercept prior: log of the mean prediction (b0 needs sigma)
        if ip is not None and likelihood in ("lognormal", "poisson", "bernoulli"):
            # a prior on the mean prediction (target units), carried to the link scale at its mean
            mu_l, sd_l, how = _linked_intercept(likelihood, ip.mean, ip.sd)
            if lognormal:
                log_mean = pm.Normal("intercept_user_log", mu_l, sd_l)
            else:
                b0 = pm.Normal("b0", mu_l, sd_l)
            records.append(PriorRecord("intercept", None, "Normal", {"mu": mu_l, "sigma": sd_l}, "user", how))
        elif ip is not None:
            # gaussian/student_t: with output bounds the prediction is the linear predictor through the
            # bounds' link, so the prior on the mean prediction is carried through the link's inverse
            mu_u, sd_u, how = (_bounded_intercept(spec, schema, ip.mean, ip.sd) if spec.output is not None
                               else (ip.mean, ip.sd, "target units"))
            b0_user = pm.Normal("intercept_user", mu_u, sd_u)
            b0 = pm.Deterministic("b0", (b0_user - schema.y_mean) / schema.y_scale)
            records.append(PriorRecord("intercept", None, "Normal", {"mu": mu_u, "sigma": sd_u}, "user", how))
        else:
            if scaled_intercept is not None:
                mu0, sd0 = (float(v) for v in scaled_intercept)
            elif classification:
                p = float(np.clip(np.mean(y), 0.02, 0.98))
                mu0, sd0 = float(np.log(p / (1 - p))), 1.5
            elif counts:
                mu0, sd0 = float(np.log(np.mean(y) + 0.1)), 1.0
            else:
                mu0, sd0 = 0.0, 1.0
            b0 = pm.Normal("b0", mu0, sd0)
            records.append(PriorRecord("intercept", None, "Normal", {"mu": mu0, "sigma": sd0}, "scaled", unit))

        # ------------------------------------------------------------------ noise scale (made below; before the
        # effects for lognormal, whose effect priors need it)
        def noise():
            if classification or counts:
                return None
            ns = spec.priors.noise
            # Student-t noise: sigma is the scale of the t, its sd sigma sqrt(nu / (nu - 2)) (nu > 2) is larger
            t_scale = ("; the scale of the Student-t noise, whose sd is sigma sqrt(nu / (nu - 2)) for nu > 2"
                       if likelihood == "student_t" else "")
            if ns is not None:
                sigma_user = pm.HalfNormal("sigma_user", ns.scale)
                records.append(PriorRecord("noise", None, "HalfNormal", {"sigma": ns.scale}, "user",
                                           "target units" + per_level + t_scale))
                return pm.Deterministic("sigma", sigma_user / scale)
            records.append(PriorRecord("noise", None, "HalfNormal", {"sigma": 1.0}, "scaled", unit + t_scale))
            return pm.HalfNormal("sigma", 1.0)

        effect_scale_user = scale
        if lognormal:
            # before the effects: a user's effect prior is on the change of the mean prediction exp(mu + s^2 / 2)
            # (s the noise sd of log y), whose slope in mu is the mean prediction itself; it is translated at the
            # mean prediction where every (centred) term is 0, per draw of the intercept and of sigma
            sigma = noise()
            if log_mean is not None:
                b0 = _lognormal_intercept(pm, log_mean, sigma, schema)
            effect_scale_user = schema.y_scale * pt.exp(
                schema.y_mean + schema.y_scale * b0 + 0.5 * (sigma * schema.y_scale) ** 2)

        # ------------------------------------------------------------------ main effects
        slopes: dict[int, Any] = {}
        totals: dict[int, Any] = {}
        values: dict[str, Any] = {}
        order = _dominance_order(spec)
        for j in order:
            f = spec.features[j]
            term = terms[j]
            if isinstance(f, CategoricalFeature):
                values[term.name] = _categorical(pm, pt, f, schema.features[j], term, records, unit)
                continue
            s, R = _numeric_slopes(pm, pt, spec, f, j, term, idx, slopes, totals, effect_scale_user, unit, smoothness,
                                   records, per_mean_level, effect_level, user_unit)
            slopes[j], totals[j] = s, R
            w = unit_widths(term.knots[0])
            values[term.name] = pt.concatenate([pt.zeros(1), pt.cumsum(s * w)])
        # ------------------------------------------------------------------ trust surfaces
        for k, t in enumerate(spec.trusts):
            term = next(tm for tm in terms if tm.name == f"trust_{k}")
            values[term.name] = _trust_surface(pm, pt, spec, t, term, k, records)

        # ------------------------------------------------------------------ noise scale
        if not lognormal:
            sigma = noise()

        centred = []
        for term in terms:
            v = values[term.name]
            centred.append(pm.Deterministic(term.name, v - pt.dot(term.center, v)))
        if not sufficient:
            eta = b0
            for term, v_c in zip(terms, centred):
                eta = eta + pt.dot(W[term.name], v_c)

        # ------------------------------------------------------------------ link and likelihood
        link: dict[str, Any] = {"likelihood": likelihood}
        obs = y
        if classification:
            pm.Bernoulli("y", logit_p=eta, observed=obs, dims="obs")
        elif counts:
            pm.Poisson("y", mu=pt.exp(eta), observed=obs, dims="obs")
        else:
            # lognormal: a lower bound <= 0 is all verify_spec lets through, and exp keeps it.
            # Sufficient statistics: identity link (no output bounds), the mean is Z beta (below).
            if not sufficient:
                mu, link = (eta, link) if lognormal else _bounded_mean(pt, spec, schema, eta, link)
            if likelihood == "student_t":
                nu = pm.Gamma("nu", 2.0, 0.1)
                records.append(PriorRecord("nu", None, "Gamma", {"alpha": 2.0, "beta": 0.1}, "default", "degrees of freedom"))
                pm.StudentT("y", nu=nu, mu=mu, sigma=sigma, observed=obs, dims="obs")
            elif sufficient:
                Z = np.column_stack([np.ones(len(obs))] + [weights[t.name] for t in terms])
                gram, zy, yy = Z.T @ Z, Z.T @ obs, float(obs @ obs)
                beta = pt.concatenate([pt.reshape(b0, (1,))] + centred)
                ssr = yy - 2.0 * pt.dot(beta, zy) + pt.dot(beta, pt.dot(gram, beta))
                n_obs = float(len(obs))
                pm.Potential("y_loglik", -n_obs * pt.log(sigma) - 0.5 * n_obs * np.log(2 * np.pi)
                             - 0.5 * pt.maximum(ssr, 0.0) / sigma ** 2)
            else:
                pm.Normal("y", mu=mu, sigma=sigma, observed=obs, dims="obs")
    return BuildResult(model, records, link, [] if sufficient else [f"W_{t.name}" for t in terms])


def _lognormal_intercept(pm, log_mean, sigma, schema):
    """``b0`` (standardised log target) from the log of the mean prediction: E[y] = exp(mu + s^2 / 2) with s the
    noise sd of log y, so a user's intercept prior is on that mean, not on exp(mu)."""
    s_log = sigma * schema.y_scale
    return pm.Deterministic("b0", (log_mean - 0.5 * s_log ** 2 - schema.y_mean) / schema.y_scale)


def _linked_intercept(likelihood: str, mean: float, sd: float) -> tuple[float, float, str]:
    """A user's intercept prior (mean prediction ~ Normal(mean, sd), target units) on the link scale:
    the link at ``mean``, and ``sd`` times the link's slope there (first order)."""
    if likelihood == "bernoulli":
        return (float(np.log(mean / (1 - mean))), sd / (mean * (1 - mean)),
                f"logit: logit(mean {mean:g}), sd {sd:g} / (mean (1 - mean)) (first order)")
    if likelihood == "lognormal":
        return (float(np.log(mean)), sd / mean,
                f"log of the mean prediction: log(mean {mean:g}), sd {sd:g} / mean (first order); the log "
                "target's intercept is this minus sigma^2 / 2 (sigma: the noise sd of log y), as the mean "
                "prediction is exp(intercept + sigma^2 / 2)")
    return float(np.log(mean)), sd / mean, f"log-rate: log(mean {mean:g}), sd {sd:g} / mean (first order)"


def _bounded_intercept(spec: Spec, schema, mean: float, sd: float) -> tuple[float, float, str]:
    """A user's intercept prior (mean prediction ~ Normal(mean, sd), target units) for gaussian/student_t
    with output bounds, on the linear predictor in target units: the inverse of the bounds' link
    (:func:`_bounded_mean`) at ``mean``, and ``sd`` divided by the link's slope there (first order).
    :func:`verify_spec` has checked that ``mean`` lies strictly inside the bounds."""
    m = (mean - schema.y_mean) / schema.y_scale  # model units, as the link works in them
    lo, hi = _model_bounds(spec, schema)
    if lo is not None and hi is not None:
        p = (m - lo) / (hi - lo)
        c, s = (lo + hi) / 2, (hi - lo) / 4
        eta, slope, link = c + s * float(np.log(p / (1 - p))), 4 * p * (1 - p), "sigmoid"
    else:
        # softplus: lo + log(1 + e^(eta - lo)) or hi - log(1 + e^(hi - eta)); log(e^d - 1) written stably
        d = m - lo if lo is not None else hi - m
        inv = d + float(np.log(-np.expm1(-d)))
        eta = lo + inv if lo is not None else hi - inv
        slope, link = float(-np.expm1(-d)), "softplus"
    mu_t, sd_t = eta * schema.y_scale + schema.y_mean, sd / slope
    return (float(mu_t), float(sd_t),
            f"linear predictor in target units, inside the output bounds' {link} link: its inverse at mean {mean:g}, "
            f"sd {sd:g} / the link's slope there ({slope:.3g}) (first order), so that the mean prediction is "
            f"about Normal({mean:g}, {sd:g})")


def _user_effect_unit(spec: Spec, likelihood: str) -> str:
    """What a user's effect prior is a prior on, as the prior table states it: the change of the
    linear predictor, which is the change of the prediction only without a curved link."""
    if likelihood == "bernoulli":
        return "logits (the linear predictor: a change of log-odds, not of probability)"
    if likelihood == "poisson":
        return "log-rate (the linear predictor: log of the count's mean, not counts)"
    if spec.output is not None and likelihood != "lognormal":
        return ("target units, on the linear predictor inside the output bounds' link; the prediction changes "
                "less near a bound, so its mass in the range is approximate (lower)")
    return "target units"


def _dominance_order(spec: Spec) -> list[int]:
    """Feature indices with every dominated feature before its dominant one."""
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    after: dict[int, set[int]] = {i: set() for i in range(len(spec.features))}
    for d in spec.dominances:
        after[idx[d.feature]].add(idx[d.over])
    order: list[int] = []
    placed: set[int] = set()
    while len(order) < len(spec.features):
        progress = False
        for i in range(len(spec.features)):
            if i not in placed and after[i] <= placed:
                order.append(i)
                placed.add(i)
                progress = True
        if not progress:  # a dominance cycle; the spec validator makes this unreachable
            raise SpecError([Problem("interactions", "dominances without cycles", "a cycle")])
    return order


def _random_walk(pm, pt, name: str, n: int, tau):
    """``n`` values, the first 0, the rest a Gaussian random walk of step ``tau`` (non-centred)."""
    if n <= 1:
        return pt.zeros(max(n, 1))
    z = pm.Normal(f"{name}_z", 0.0, 1.0, shape=n - 1)
    return pt.concatenate([pt.zeros(1), pt.cumsum(tau * z)])


def _numeric_slopes(pm, pt, spec, f: NumericFeature, j: int, term: Term, idx, slopes, totals, scale, unit,
                    smoothness, records, per_level: str, effect_level: _EffectLevel, user_unit: str):
    knots = term.knots[0]
    w = unit_widths(knots)
    S = len(w)
    name = f"g{j}"
    prior = spec.priors.effect(f.name)
    feature = f.name
    dominated_range = [d.over for d in spec.dominances if d.feature == feature and d.kind == "range"]
    dominated_slope = [d.over for d in spec.dominances if d.feature == feature and d.kind == "monotonic"]

    def smooth(tag: str):
        tau = pm.HalfNormal(f"{name}_{tag}_tau", smoothness)
        records.append(PriorRecord(f"{name}_{tag}_tau", feature, "HalfNormal", {"sigma": smoothness}, "default",
                                   "smoothness: step of the random walk on (log-)slopes between segments"))
        return tau

    def magnitude(tag: str):
        if prior is not None:
            lo, hi = sorted(abs(v) for v in prior.effect) if f.monotonic else prior.effect
            dist, params = elicit_magnitude(lo, hi, prior.prob)
            R_user = getattr(pm, dist)(f"{name}_effect_user", **params)
            records.append(PriorRecord(f"{name}_effect_user", feature, dist, params, "user",
                                       f"|total change| across the range, {user_unit}; P(in {[lo, hi]}) = {prior.prob}"
                                       + per_level))
            return R_user / scale
        R = pm.LogNormal(f"{name}_{tag}", effect_level(), 1.0)  # centred: only the location is learned
        sigma = float(np.sqrt(2.0)) if effect_level.learn else 1.0
        what = ("rise plus fall across the range (at most; less where the mode is near a keypoint segment)"
                if tag == "amplitude" else "|total change| across the range")
        if dominated_range or dominated_slope:  # R is what the feature adds to the floor its dominances set
            floors = ([f"the largest |total change| of {', '.join(map(repr, dominated_range))} (range dominance)"]
                      if dominated_range else []) + (
                [f"the largest |slope| of {', '.join(map(repr, dominated_slope))} per unit of the scaled range "
                 "times that range (monotonic dominance)"] if dominated_slope else [])
            what += f" in excess of {' plus '.join(floors)}; the total change is this excess plus that floor"
        records.append(PriorRecord(f"{name}_{tag}", feature, "LogNormal", {"mu": effect_level.log_scale, "sigma": sigma},
                                   "scaled", f"{what}, {unit}" + effect_level.note()))
        return R

    def signed_total():
        if prior is not None:
            dist, params = elicit_signed(*prior.effect, prior.prob)
            R_user = pm.Normal(f"{name}_effect_user", **params)
            records.append(PriorRecord(f"{name}_effect_user", feature, dist, params, "user",
                                       f"total change across the range, {user_unit}; P(in {list(prior.effect)}) = {prior.prob}"
                                       + per_level))
            return R_user / scale
        sd = 2.0 * float(np.exp(effect_level.log_scale))  # median |R| = 0.67 sd, about that of the monotone prior
        if effect_level.learn:  # non-centred: the sd is learned
            z = pm.Normal(f"{name}_effect_z", 0.0, 1.0)
            R = pm.Deterministic(f"{name}_effect", 2.0 * pt.exp(effect_level()) * z)
            note = "; hierarchical: sd = 2 exp(effect_level), shown at the level's prior median"
        else:
            R, note = pm.Normal(f"{name}_effect", 0.0, sd), ""
        records.append(PriorRecord(f"{name}_effect", feature, "Normal", {"mu": 0.0, "sigma": sd}, "scaled",
                                   f"total change across the range, {unit}" + note))
        return R

    m = f.monotonic
    if f.unimodal and not f.shape:
        A = magnitude("amplitude")
        mode = pm.Beta(f"{name}_mode", 2.0, 2.0)
        records.append(PriorRecord(f"{name}_mode", feature, "Beta", {"alpha": 2.0, "beta": 2.0}, "default",
                                   "location of the peak/valley on the scaled range [0, 1]"))
        q = pt.exp(_random_walk(pm, pt, f"{name}_rw", S, smooth("rw")))
        sign = 1.0 if f.unimodal == "peak" else -1.0
        # normalised as the monotone slopes are (sum(q w) = 1), so that the curve's total variation (rise
        # plus fall) is A times a weighted mean of |tanh| <= 1: A is the size of the effect, not a factor
        # that the random walk multiplies by up to e^(+-8)
        s = sign * A * (q / pt.sum(q * w)) * pt.tanh((mode - segment_midpoints(knots)) / UNIMODAL_EPS)
        return s, None
    if m:
        R = magnitude("effect")
        if f.shape:
            increasing_q = (f.shape == "convex") == (m > 0)
            if S > 1:
                e = pm.HalfNormal(f"{name}_curv", smoothness, shape=S - 1)
                records.append(PriorRecord(f"{name}_curv", feature, "HalfNormal", {"sigma": smoothness}, "default",
                                           "relative slope increments (curvature)"))
                csum = pt.concatenate([pt.zeros(1), pt.cumsum(e)]) if increasing_q else \
                    pt.concatenate([pt.cumsum(e[::-1])[::-1], pt.zeros(1)])
                q = 1.0 + csum
            else:
                q = pt.ones(1)
        else:
            q = pt.exp(_random_walk(pm, pt, f"{name}_rw", S, smooth("rw")))
        shape_q = q / pt.sum(q * w)
        # this feature dominates others: its slopes (monotonic) or total effect (range) are the largest
        # of theirs plus a positive excess; every dominance of the feature is applied, not only the first
        slope_floor = [pt.max(pt.abs(slopes[idx[d.over]])) for d in spec.dominances
                       if d.feature == f.name and d.kind == "monotonic"]
        range_floor = [pt.abs(totals[idx[d.over]]) for d in spec.dominances if d.feature == f.name and d.kind == "range"]
        if range_floor:
            R = pt.max(pt.stack(range_floor)) + R
        if slope_floor:
            floor = pt.max(pt.stack(slope_floor))
            return m * (floor + R * shape_q), m * (floor + R)  # total = sum((floor + R q') w), sum(w) = 1
        return m * R * shape_q, m * R
    if f.shape:
        R = signed_total()
        if S > 1:
            e = pm.HalfNormal(f"{name}_curv", smoothness, shape=S - 1)
            records.append(PriorRecord(f"{name}_curv", feature, "HalfNormal", {"sigma": smoothness}, "default",
                                       "slope increments (curvature)"))
            c = pt.concatenate([pt.zeros(1), pt.cumsum(e)]) * (1.0 if f.shape == "convex" else -1.0)
            return R + c - pt.sum(w * c), R
        return R * pt.ones(1), R
    R = signed_total()
    d_ = _random_walk(pm, pt, f"{name}_rw", S, smooth("rw"))
    return R + d_ - pt.sum(w * d_), R


def _categorical(pm, pt, f: CategoricalFeature, fs, term: Term, records, unit: str):
    name = term.name.replace("f_", "c")
    n = term.n_values
    sigma = pm.HalfNormal(f"{name}_sigma", 1.0)
    records.append(PriorRecord(f"{name}_sigma", f.name, "HalfNormal", {"sigma": 1.0}, "scaled",
                               f"spread of the category effects, {unit}: each level without a lower neighbour "
                               f"in the order is Normal(0, {name}_sigma)"))
    keys = [_cat_key(c) for c in fs.categories]
    preds: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b in f.order_pairs:
        if _cat_key(a) in keys and _cat_key(b) in keys:
            preds[keys.index(_cat_key(b))].append(keys.index(_cat_key(a)))
    roots = [i for i in range(n) if not preds[i]]
    inner = [i for i in range(n) if preds[i]]
    z = pm.Normal(f"{name}_z", 0.0, 1.0, shape=len(roots))
    vals: dict[int, Any] = {r: sigma * z[k] for k, r in enumerate(roots)}
    if inner:
        inc = pm.HalfNormal(f"{name}_step", 1.0, shape=len(inner))
        records.append(PriorRecord(f"{name}_step", f.name, "HalfNormal", {"sigma": 1.0}, "default",
                                   f"order: each level above another is the largest of its lower neighbours plus "
                                   f"{name}_sigma times this increment"))
        pos = {i: k for k, i in enumerate(inner)}
        while len(vals) < n:
            for i in inner:
                if i not in vals and all(p in vals for p in preds[i]):
                    below = vals[preds[i][0]]
                    for p in preds[i][1:]:
                        below = pt.maximum(below, vals[p])
                    vals[i] = below + sigma * inc[pos[i]]
    return pt.stack([vals[i] for i in range(n)])


def _trust_surface(pm, pt, spec, t, term: Term, k: int, records):
    ga, gb = (len(kn) for kn in term.knots)
    D = pm.HalfNormal(f"trust_{k}_mixed", 0.5, shape=(ga - 1, gb - 1))
    records.append(PriorRecord(f"trust_{k}_mixed", f"{t.feature}|{t.by}", "HalfNormal", {"sigma": 0.5}, "scaled",
                               "non-negative mixed differences of the trust surface"))
    m_a = spec[t.feature].monotonic
    by = spec[t.by]
    m_b = by.monotonic if isinstance(by, NumericFeature) else 0
    sigma_a = (m_b * m_a * t.direction) if m_b else 1
    i = np.arange(ga)[:, None]
    ip = np.arange(ga - 1)[None, :]
    L_a = (ip < i).astype(float) if sigma_a > 0 else -(ip >= i).astype(float)
    j = np.arange(gb)[:, None]
    jp = np.arange(gb - 1)[None, :]
    L_b = (jp < j).astype(float) if t.direction > 0 else (jp >= j).astype(float)
    H = m_a * pt.dot(pt.dot(L_a, D), L_b.T)
    return H.reshape((ga * gb,))


def _model_bounds(spec, schema) -> tuple[float | None, float | None]:
    """The output bounds in model units (the standardised target), ``None`` where there is none."""
    out = spec.output
    return tuple(None if b is None else (b - schema.y_mean) / schema.y_scale for b in (out.min, out.max))


def _bounded_mean(pt, spec, schema, eta, link):
    if spec.output is None:
        return eta, link
    lo, hi = _model_bounds(spec, schema)
    link.update({"lo": lo, "hi": hi})
    if lo is not None and hi is not None:
        c, s = (lo + hi) / 2, (hi - lo) / 4
        return lo + (hi - lo) * pt.sigmoid((eta - c) / s), link
    if lo is not None:
        return lo + pt.softplus(eta - lo), link
    return hi - pt.softplus(hi - eta), link


def apply_link(eta: np.ndarray, link: dict[str, Any]) -> np.ndarray:
    """numpy version of the output link (model units)."""
    lo, hi = link.get("lo"), link.get("hi")
    if lo is not None and hi is not None:
        c, s = (lo + hi) / 2, (hi - lo) / 4
        from scipy.special import expit  # no overflow warning for draws far beyond a bound

        return lo + (hi - lo) * expit((eta - c) / s)
    if lo is not None:
        return lo + np.logaddexp(0.0, eta - lo)
    if hi is not None:
        return hi - np.logaddexp(0.0, hi - eta)
    return eta
