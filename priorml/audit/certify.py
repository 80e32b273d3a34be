"""Certificates: does a fitted model obey each constraint of its spec?

:func:`certify` probes the model's *predictions*, not its layer weights:
every constraint is checked by sweeping the features it concerns over their
observed range (keypoints, the midpoints between them and a uniform grid),
with all other features taken from real rows of ``X``. Shapes are checked
with finite differences over the whole sweep, so that a violation is its full
size in output units whatever the grid's resolution: monotonicity by the
largest fall (rise) between any two points, curvature by the largest height of
a point above the chord of two others (below, for concave), unimodality by the
largest fall before the peak or rise after it, trust by mixed differences on a
grid holding both features' keypoints. Monotonic dominance is defined on
calibrated inputs and is checked there, through the model's own probe. Output
bounds are checked at the reference rows, along the whole sweep of every
feature, and at corners where every numeric feature is at an end of its range
at once. A Bayesian model is probed on every posterior draw.

A row passes when its largest violation is within a tolerance of
``1e-5 x`` (for a regressor the target's standard deviation at fit, for a
lognormal model the geometric mean times the sd of ``log y``, for a poisson one
1 count; for a classifier's log-odds, 1), which
absorbs the float32 arithmetic of TensorFlow and nothing more. It scales with
the target's units but not with its offset (a target near 101325 Pa gets the
tolerance of one near 0) nor with the reference rows chosen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from .._args import is_int, seed_problem
from ..spec import CategoricalFeature, NumericFeature, Spec
from ..spec.constraints import Dominance, Trust

__all__ = ["certify", "Certificate", "CertificateRow"]

GRID = 33
REL_TOL = 1e-5
TRUST_GRID = 9  # points per feature of the trust grid, besides the keypoints (at most MAX_KEYPOINTS of them)
MAX_KEYPOINTS = 21
CORNERS = 8  # random corners per reference row for the output bounds, besides the two monotone ones


@dataclass
class CertificateRow:
    """The check of one declared constraint."""

    constraint: str  # monotonic, convex, concave, unimodal, order, trust, dominance, output
    features: str
    statement: str  # the constraint in words
    enforcement: str  # construction | projection | approximate
    how: str  # how the backend enforces it
    domain: str
    probes: int
    max_violation: float
    tolerance: float
    passed: bool
    draws_share: float | None = None  # Bayesian fits: share of the posterior draws probed that satisfy it
    # How far the prediction moves along the constrained feature(s) over the probed domain (output units;
    # mean over reference rows and posterior draws); for trust, how much the range of the prediction along
    # the main feature changes along the condition (the interaction the constraint is about). None where it
    # does not apply (output bounds).
    effect: float | None = None

    @property
    def vacuous(self) -> bool:
        """The model does not move along the feature(s) (for trust: it has no interaction between them):
        the constraint holds, but says nothing."""
        return self.effect is not None and self.effect <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return dict(asdict(self), vacuous=self.vacuous)


@dataclass
class Certificate:
    """One row per declared constraint; ``passed`` when every row passed."""

    model: str
    backend: str
    n_rows: int
    rows: list[CertificateRow] = field(default_factory=list)
    #: the certified model's ``fingerprint()`` (SHA-256): compare it with a deployed or loaded model's
    model_sha256: str | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows)

    @property
    def failed(self) -> list[CertificateRow]:
        return [r for r in self.rows if not r.passed]

    @property
    def vacuous(self) -> list[CertificateRow]:
        """Rows that pass only because the model ignores the feature(s) they constrain."""
        return [r for r in self.rows if r.vacuous]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "backend": self.backend, "model_sha256": self.model_sha256,
                "n_rows": self.n_rows, "passed": self.passed, "rows": [r.to_dict() for r in self.rows]}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])

    def __str__(self) -> str:
        bayes = any(r.draws_share is not None for r in self.rows)
        head = (["constraint", "features", "enforcement", "probes", "effect", "max violation"]
                + (["draws ok"] if bayes else []) + ["result"])
        body = [[r.constraint, r.features, r.enforcement, str(r.probes), "" if r.effect is None else f"{r.effect:.3g}",
                 f"{r.max_violation:.3g}"]
                + ([f"{100 * r.draws_share:.1f}%"] if bayes else []) + ["PASS" if r.passed else "FAIL"] for r in self.rows]
        if not body:
            body = [["(none declared)"] + [""] * (len(head) - 1)]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
        verdict = "all constraints hold" if self.passed else f"{len(self.failed)} constraint(s) violated"
        out = [f"Certificate for {self.model} ({self.backend} backend), probed on {self.n_rows} rows: {verdict}"]
        if self.model_sha256:
            out.append(f"model fingerprint (SHA-256): {self.model_sha256}")
        out += [line(head), line(["-" * w for w in widths])]
        out += [line(b) for b in body]
        if self.vacuous:
            flat = sorted({r.features for r in self.vacuous if r.constraint != "trust"})
            # a trust row's features are "feature | by"; not split back apart (a name may hold " | ")
            additive = [r.features for r in self.vacuous if r.constraint == "trust"]
            parts = (["the prediction does not move along " + ", ".join(flat)] if flat else []) + [
                f"in the trust {pair}, the effect of the feature does not change with its condition" for pair in additive]
            out.append("note: " + "; ".join(parts) + ": those constraints hold trivially (effect = how far the "
                       "prediction moves along the constrained feature(s), for trust how much the range along the "
                       "main feature changes along the condition; mean over the probed rows)")
        return "\n".join(out)

    __repr__ = __str__


def _fingerprint(model: Any) -> str | None:
    """A priorml estimator's fingerprint; None for any other model, and for a subclass whose state has no
    saved form (it can still be certified)."""
    from ..errors import ModelFormatError
    from ..estimators._base import SpecEstimator

    if not isinstance(model, SpecEstimator):
        return None
    try:
        return model.fingerprint()
    except ModelFormatError:
        return None


def _check_certify_input(model: Any, X: Any, n_rows: Any, random_state: Any = None) -> None:
    from ..errors import DataError, Problem

    from ..estimators._base import SpecEstimator

    if not isinstance(model, SpecEstimator):  # subclasses welcome
        from ..spec import Spec

        fix = ("certify takes the fitted model first, then X (compare and check_assumptions take the spec): "
               "certify(model, X)." if isinstance(model, Spec) else
               "A certificate checks the constraints of a priorml spec; other models have none.")
        raise DataError([Problem("model", "a fitted priorml estimator (LatticeRegressor, LatticeClassifier, "
                                 "BayesianRegressor or BayesianClassifier)", type(model).__name__, fix)])
    if n_rows is not None and not is_int(n_rows, 1):
        raise DataError([Problem("n_rows", "an integer >= 1 or None", repr(n_rows), "For example n_rows=100.")])
    if random_state is not None and not isinstance(random_state, (np.random.Generator, np.random.SeedSequence)) \
            and (problem := seed_problem(random_state)) is not None:
        raise DataError([problem])
    if X is None or isinstance(X, (str, bytes, dict)) or not (hasattr(X, "shape") or hasattr(X, "__len__")):
        raise DataError([Problem("X", "reference rows: a DataFrame or a 2-D array", type(X).__name__,
                                 "Pass the training rows or a sample of them.")])
    shape = getattr(X, "shape", None)
    if (shape[0] if shape is not None else len(X)) == 0:
        raise DataError([Problem("X", "at least one row (reference rows for the probes)", "0 rows",
                                 "Pass the training rows or a sample of them.")])


# ---------------------------------------------------------------------- probing machinery
class _Prober:
    """Evaluate the model on modified copies of reference rows."""

    def __init__(self, model: Any, X: Any, n_rows: int, rng: np.random.Generator):
        self.model = model
        self.spec: Spec = model.spec_
        frame = model.schema_.frame(self.spec, X)  # the columns as the model reads them
        if len(frame) > n_rows:
            frame = frame.iloc[np.sort(rng.choice(len(frame), n_rows, replace=False))].reset_index(drop=True)
        self.ref = frame
        self.with_names = hasattr(model, "feature_names_in_")
        self.calls = 0

    def __call__(self, frame) -> np.ndarray:
        """Predictions (F, N): F = 1 for a point model, one row per posterior draw for a Bayesian one.

        Classifiers are probed on the log-odds, the scale on which their shapes are stated."""
        self.calls += len(frame)
        X = frame if self.with_names else frame.to_numpy(dtype=object)
        if hasattr(self.model, "decision_draws"):  # log-odds draws of a Bayesian classifier, not rebuilt from
            return np.asarray(self.model.decision_draws(X), dtype=float)  # rounded probabilities
        if hasattr(self.model, "predict_draws"):
            d = np.asarray(self.model.predict_draws(X), dtype=float)  # every draw: none may be skipped
            if hasattr(self.model, "classes_"):
                d = np.clip(d, 1e-12, 1 - 1e-12)
                d = np.log(d / (1 - d))
            return d
        if hasattr(self.model, "decision_function"):
            return np.asarray(self.model.decision_function(X), dtype=float)[None, :]
        return np.asarray(self.model.predict(X), dtype=float)[None, :]

    def keypoints(self, name: str) -> np.ndarray:
        return np.asarray(self.model.schema_[name].keypoints, dtype=float)

    def grid(self, name: str) -> np.ndarray:
        kp = self.keypoints(name)
        mids = (kp[:-1] + kp[1:]) / 2
        return np.unique(np.concatenate([kp, mids, np.linspace(kp[0], kp[-1], GRID)]))

    def sweep(self, name: str, values: np.ndarray, base=None) -> np.ndarray:
        """Predictions (F, n_ref, len(values)) with ``name`` set to each value."""
        base = self.ref if base is None else base
        n = len(base)
        rep = base.loc[base.index.repeat(len(values))].reset_index(drop=True)
        rep[name] = np.tile(np.asarray(values, dtype=object), n)
        out = self(rep)
        return out.reshape(out.shape[0], n, len(values))

    def sweep2(self, a: str, va: np.ndarray, b: str, vb: np.ndarray) -> np.ndarray:
        """Predictions (F, n_ref, len(va), len(vb))."""
        base = self.ref
        n = len(base)
        rep = base.loc[base.index.repeat(len(va) * len(vb))].reset_index(drop=True)
        A, B = np.meshgrid(va, vb, indexing="ij")
        rep[a] = np.tile(A.ravel().astype(object), n)
        rep[b] = np.tile(B.ravel().astype(object), n)
        out = self(rep)
        return out.reshape(out.shape[0], n, len(va), len(vb))


def _largest_fall(v: np.ndarray) -> np.ndarray:
    """Largest ``v[i] - v[j]`` over ``i < j`` along the last axis (<= 0 for an increasing ``v``): the whole
    fall, not the largest fall between neighbours, which shrinks with the grid's step."""
    if v.shape[-1] < 2:
        return np.zeros(v.shape[:-1])
    return np.max(np.maximum.accumulate(v, axis=-1)[..., :-1] - v[..., 1:], axis=-1)


def _peak_violation(v: np.ndarray) -> float:
    """Largest fall before the maximum or rise after it (0 for a unimodal peak)."""
    m = int(np.argmax(v))
    before = _largest_fall(v[:m + 1]) if m > 0 else 0.0
    after = _largest_fall(-v[m:]) if m < len(v) - 1 else 0.0
    return float(max(before, after, 0.0))


def _chord_violation(x: np.ndarray, v: np.ndarray, sign: int) -> np.ndarray:
    """Largest amount by which a point lies above (convex, sign=1) the chord of any two points on either
    side of it, along the last axis: the height of ``sign * v`` above its greatest convex minorant. (The
    chord of the two neighbours only sees a violation shrink with the square of the grid's step.)"""
    u = sign * np.asarray(v, dtype=float)
    shape = u.shape[:-1]
    u = u.reshape(-1, u.shape[-1])
    out = np.zeros(len(u))
    if u.shape[-1] > 2:
        xs = np.asarray(x, dtype=float)
        xl = xs.tolist()
        # Rows whose slopes never fall are convex: only the others need their hull (plain floats: fast enough
        # for thousands of posterior draws x reference rows).
        slopes = np.diff(u, axis=-1) / np.diff(xs)
        for r in np.flatnonzero(np.any(np.diff(slopes, axis=-1) < 0, axis=-1)):
            row = u[r].tolist()
            hull: list[int] = []  # lower hull, left to right
            for j, (xj, vj) in enumerate(zip(xl, row)):
                while len(hull) >= 2:
                    i, k = hull[-2], hull[-1]
                    if (row[k] - row[i]) * (xj - xl[i]) >= (vj - row[i]) * (xl[k] - xl[i]):
                        hull.pop()  # k lies on or above the chord from i to j
                    else:
                        break
                hull.append(j)
            out[r] = np.max(u[r] - np.interp(xs, xs[hull], u[r, hull]))
    return out.reshape(shape)


def _edgeworth_violation(W: np.ndarray) -> np.ndarray:
    """Per function (first axis), the largest violation of supermodularity of ``W`` (..., main grid, by grid):
    the most negative ``W[i2, k2] - W[i1, k2] - W[i2, k1] + W[i1, k1]`` over every rectangle ``i1 < i2``,
    ``k1 < k2`` (the sum of its cells' mixed differences), not per grid cell, whose mixed differences
    shrink with the square of the grid's step. For each ``i1``, the change ``W[i2] - W[i1]`` must not fall
    along ``by``; its largest fall is the violation."""
    worst = np.zeros(W.shape[0])
    for i1 in range(W.shape[-2] - 1):
        change = W[..., i1 + 1:, :] - W[..., i1:i1 + 1, :]
        worst = np.maximum(worst, _per_function(_largest_fall(change)))
    return worst


def _per_function(a: np.ndarray) -> np.ndarray:
    """Max over every axis but the first (one value per function/draw)."""
    return a.reshape(a.shape[0], -1).max(axis=1) if a.size else np.zeros(a.shape[0])


# ---------------------------------------------------------------------- certify
def certify(model: Any, X: Any, *, n_rows: int | None = None, random_state: int | None = 0) -> Certificate:
    """Check every constraint of a fitted model's spec on its predictions.

    Parameters
    ----------
    model : fitted priorml estimator
        Lattice or Bayesian; its ``spec_`` lists the constraints.
    X : DataFrame or array
        Real rows; the features not being swept are taken from them.
    n_rows : int or None
        At most this many rows of ``X`` are used as reference rows
        (default 200 for a lattice model, 30 for a Bayesian one, whose
        probes are repeated for every posterior draw).
    random_state : int or None
        Seed for choosing the reference rows.

    Returns
    -------
    Certificate
        One row per declared constraint; print it for a table, ``to_dict()``
        for machines.

    Examples
    --------
    >>> cert = priorml.certify(model, X)  # doctest: +SKIP
    >>> cert.passed  # doctest: +SKIP
    True
    """
    from sklearn.utils.validation import check_is_fitted

    _check_certify_input(model, X, n_rows, random_state)
    check_is_fitted(model)
    model.schema_.transform(model.spec_, X)  # names a missing column or a bad value before any probing
    rng = np.random.default_rng(random_state)
    if n_rows is None:
        n_rows = 30 if hasattr(model, "predict_draws") else 200
    probe = _Prober(model, X, n_rows, rng)
    spec = probe.spec
    base_pred = probe(probe.ref)
    mean_pred = base_pred.mean(axis=0)
    # Rounding is relative to the model's own scale, not to the size of its predictions: the lattice computes
    # in float32 in units of the target's sd (scaled target; a few units at most, so its rounding is below
    # 1e-6 sd) and adds the target's mean back in float64, so an offset (a target near 101325 Pa) adds no
    # rounding, and neither do the reference rows chosen. Regression: the target's sd at fit; no floor in
    # target units, which would let a target in small units (a rate of 1e-6) pass any violation. Log-odds are
    # a unit of their own, where 1e-5 is negligible.
    scale = 1.0 if spec.task == "classification" else float(getattr(model.schema_, "y_scale", 0.0) or 0.0)
    if getattr(model, "likelihood_", None) == "lognormal" and spec.task != "classification":
        # the schema holds the sd of log y: the sd of y is about the geometric mean times it (delta method)
        scale = float(np.exp(model.schema_.y_mean)) * scale
    if not np.isfinite(scale) or scale <= 0:  # not set: the size of the predictions
        scale = float(np.max(np.abs(mean_pred))) if mean_pred.size else 0.0
    tol = REL_TOL * scale
    bayes = hasattr(model, "predict_draws")
    enforce = getattr(model, "_enforcement", None)
    cert = Certificate(type(model).__name__, "bayes" if bayes else "lattice", len(probe.ref),
                       model_sha256=_fingerprint(model))
    nref = len(probe.ref)
    n_fun = base_pred.shape[0]
    per = f" x {n_fun} posterior draws" if bayes else ""

    def add(kind: str, feats: str, statement: str, key: Any, domain: str, probes: int, viol: np.ndarray,
            effect: float | None) -> None:
        viol = np.atleast_1d(np.asarray(viol, dtype=float))
        enf, how = enforce(kind, key) if enforce else ("unknown", "")
        worst = float(max(np.max(viol), 0.0)) + 0.0  # + 0.0: a max violation of -0.0 prints as 0
        share = float(np.mean(viol <= tol)) if bayes else None
        cert.rows.append(CertificateRow(kind, feats, statement, enf, how, domain + per, int(probes) * n_fun, worst,
                                        tol, bool(worst <= tol), share, effect))

    sweeps: dict[str, np.ndarray] = {}

    def full_sweep(name: str) -> np.ndarray:
        """Predictions along a numeric feature's whole grid, (F, n, G); computed once per feature."""
        if name not in sweeps:
            sweeps[name] = probe.sweep(name, probe.grid(name))
        return sweeps[name]

    for f in spec.features:
        if isinstance(f, NumericFeature):
            if not (f.monotonic or f.shape or f.unimodal):
                continue
            grid = probe.grid(f.name)
            dom = f"{f.name} in [{grid[0]:.4g}, {grid[-1]:.4g}] ({len(grid)} points: keypoints, midpoints, grid) x {nref} rows"
            V = full_sweep(f.name)
            probes = V.shape[1] * V.shape[2]
            if f.monotonic:
                word = "increasing" if f.monotonic > 0 else "decreasing"
                add("monotonic", f.name, f"prediction is {word} in {f.name}", f.name, dom, probes,
                    _per_function(_largest_fall(f.monotonic * V)), _mean_range(V))
            if f.shape:
                sign = 1 if f.shape == "convex" else -1
                add(f.shape, f.name, f"prediction is {f.shape} in {f.name}", f.name, dom, probes,
                    _per_function(_chord_violation(grid, V, sign)), _mean_range(V))
            if f.unimodal:
                sign = 1 if f.unimodal == "peak" else -1
                viol = np.array([max(_peak_violation(sign * row) for row in Vf) for Vf in V])
                add("unimodal", f.name, f"prediction has a single {f.unimodal} in {f.name}", f.name, dom, probes, viol,
                    _mean_range(V))
        elif isinstance(f, CategoricalFeature) and f.order:
            cats = list(model.schema_[f.name].categories)
            keyed = {str(c): c for c in cats}
            pairs = [(keyed[str(a)], keyed[str(b)]) for a, b in f.order_pairs if str(a) in keyed and str(b) in keyed]
            if not pairs:
                continue
            levels = list(dict.fromkeys([c for p in pairs for c in p]))
            V = probe.sweep(f.name, np.array(levels, dtype=object))
            pos = {str(c): i for i, c in enumerate(levels)}
            viol = np.max([_per_function(V[..., pos[str(a)]] - V[..., pos[str(b)]]) for a, b in pairs], axis=0)
            text = "; ".join(f"f({a}) <= f({b})" for a, b in pairs)
            add("order", f.name, text, f.name, f"{len(levels)} categories x {nref} rows", V.shape[1] * V.shape[2], viol,
                _mean_range(V))

    for inter in spec.interactions:
        a, b = inter.features
        if isinstance(inter, Trust):
            # keypoints too: both backends' surfaces are piecewise (multi)linear between them, so mixed differences
            # on a grid without them could sum a violating cell with its neighbours and miss it
            ga, gb = (np.union1d(_coarse(probe.grid(n), TRUST_GRID), _coarse(probe.keypoints(n), MAX_KEYPOINTS))
                      for n in (a, b))
            V = probe.sweep2(a, ga, b, gb)  # (F, n, |ga|, |gb|)
            main_dir = spec[a].monotonic
            dom = f"{a} x {b} grid {len(ga)}x{len(gb)} (keypoints and a uniform grid) x {nref} rows"
            if inter.kind == "edgeworth":
                viol = _edgeworth_violation(main_dir * inter.direction * V)
                stmt = (f"the slope of the prediction along {a} {'grows' if inter.direction > 0 else 'shrinks'} "
                        f"in size as {b} grows (edgeworth)")
            else:
                lower, upper = V.min(axis=2), V.max(axis=2)  # over the main feature, per value of `by`
                d = inter.direction
                # whole size: the largest rise of the lower envelope (fall of the upper one) between any two
                # values of `by`, not between neighbours only
                viol = np.maximum(_per_function(_largest_fall(-d * lower)), _per_function(_largest_fall(d * upper)))
                stmt = f"the range of the prediction along {a} {'widens' if d > 0 else 'narrows'} as {b} grows (trapezoid)"
            # the effect is the interaction's: how much the range along `a` changes along `b` (the main effects
            # move the prediction along a and b whether or not there is any interaction)
            add("trust", f"{a} | {b}", stmt, inter, dom, V[0].size, viol, _mean_range(V.max(axis=2) - V.min(axis=2)))
        elif isinstance(inter, Dominance):
            Va = full_sweep(a)  # the effect reported is the dominant feature's
            if inter.kind == "range":
                Vb = full_sweep(b)
                ra = np.ptp(Va, axis=-1)
                rb = np.ptp(Vb, axis=-1)
                add("dominance", f"{a} > {b}", f"the range of the effect of {a} is at least that of {b} (range)", inter,
                    f"full sweeps of {a} and {b} x {nref} rows", nref * (Va.shape[2] + Vb.shape[2]), _per_function(rb - ra),
                    _mean_range(Va))
            else:
                probes, viol, dom = model._certify_monotonic_dominance(probe.ref, a, b)
                add("dominance", f"{a} > {b}", f"the slope along {a} is at least the slope along {b} per unit of calibrated input",
                    inter, dom, probes, viol, _mean_range(Va))

    if spec.output is not None:
        lo = spec.output.min if spec.output.min is not None else -np.inf
        hi = spec.output.max if spec.output.max is not None else np.inf
        # Each feature over its whole grid (categorical: every category): an extreme of the output is not
        # always at an end of a sweep (a peak, a curve, or a model that leaves the bounds inside the range).
        lows, highs, n_probes = [base_pred.min(axis=1)], [base_pred.max(axis=1)], base_pred.shape[1]
        for f in spec.features:
            if f.name in sweeps:
                V = sweeps[f.name]
            else:
                values = probe.grid(f.name) if isinstance(f, NumericFeature) else np.array(model.schema_[f.name].categories, dtype=object)
                V = probe.sweep(f.name, values)
            flat = V.reshape(V.shape[0], -1)
            lows.append(flat.min(axis=1))
            highs.append(flat.max(axis=1))
            n_probes += flat.shape[1]
        # Several features at an end at once (an additive effect peaks where every feature does): no real row
        # nor one-feature sweep need reach such a corner. Per row: every monotone feature at its upper end,
        # every one at its lower end, and random corners of all numeric features.
        numeric = [f for f in spec.features if isinstance(f, NumericFeature)]
        if numeric:
            ends = {f.name: probe.keypoints(f.name)[[0, -1]] for f in numeric}
            corners = probe.ref.loc[probe.ref.index.repeat(2 + CORNERS)].reset_index(drop=True)
            pick = rng.integers(0, 2, size=(len(corners), len(numeric)))  # 0: lower end, 1: upper end
            mono = np.array([f.monotonic or 0 for f in numeric])
            pick[0::2 + CORNERS, mono != 0] = mono[mono != 0] > 0  # the other features: random ends
            pick[1::2 + CORNERS, mono != 0] = mono[mono != 0] < 0
            for j, f in enumerate(numeric):
                corners[f.name] = ends[f.name][pick[:, j]].astype(object)
            C = probe(corners)
            lows.append(C.min(axis=1))
            highs.append(C.max(axis=1))
            n_probes += C.shape[1]
        viol = np.maximum(lo - np.min(lows, axis=0), np.max(highs, axis=0) - hi)
        add("output", "(output)", f"prediction in [{spec.output.min}, {spec.output.max}]", "output",
            f"{nref} rows, each feature over its grid (numeric: keypoints, midpoints, {GRID}-point grid; "
            f"categorical: every category) and {2 + CORNERS} corners per row (numeric features at the ends of "
            "their ranges at once)", n_probes, viol, None)
    return cert


def _mean_range(V: np.ndarray) -> float:
    """Mean over functions (posterior draws) and reference rows of the prediction's range over the swept
    axes: ``V`` is (functions, rows, sweep axes...)."""
    flat = V.reshape(V.shape[0], V.shape[1], -1).astype(float)
    return float(np.mean(np.ptp(flat, axis=-1)))


def _coarse(grid: np.ndarray, k: int = 9) -> np.ndarray:
    """At most ``k`` points of a grid, always keeping both ends."""
    if len(grid) <= k:
        return grid
    return grid[np.unique(np.linspace(0, len(grid) - 1, k).round().astype(int))]
