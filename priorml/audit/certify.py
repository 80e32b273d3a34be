"""Certificates: does a fitted model obey each constraint of its spec?

:func:`certify` probes the model's *predictions*, not its layer weights:
every constraint is checked by sweeping the features it concerns over their
observed range (keypoints, the midpoints between them and a uniform grid),
with all other features taken from real rows of ``X``. Shapes are checked
with finite differences (slopes for monotonicity, chords for curvature,
mixed differences for trust). Monotonic dominance is defined on calibrated
inputs and is checked there, through the model's own probe.

A row passes when its largest violation is within a tolerance of
``1e-5 x`` (the spread of the predictions, at least 1), which absorbs the
float32 arithmetic of TensorFlow and nothing more.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from ..spec import CategoricalFeature, NumericFeature, Spec
from ..spec.constraints import Dominance, Trust

__all__ = ["certify", "Certificate", "CertificateRow"]

GRID = 33
REL_TOL = 1e-5


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
    draws_share: float | None = None  # Bayesian fits: share of posterior draws that satisfy it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Certificate:
    """One row per declared constraint; ``passed`` when every row passed."""

    model: str
    backend: str
    n_rows: int
    rows: list[CertificateRow] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows)

    @property
    def failed(self) -> list[CertificateRow]:
        return [r for r in self.rows if not r.passed]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "backend": self.backend, "n_rows": self.n_rows, "passed": self.passed,
                "rows": [r.to_dict() for r in self.rows]}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows])

    def __str__(self) -> str:
        head = ["constraint", "features", "enforcement", "probes", "max violation", "result"]
        body = [[r.constraint, r.features, r.enforcement, str(r.probes), f"{r.max_violation:.3g}",
                 "PASS" if r.passed else "FAIL"] for r in self.rows]
        if not body:
            body = [["(none declared)", "", "", "", "", ""]]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
        verdict = "all constraints hold" if self.passed else f"{len(self.failed)} constraint(s) violated"
        out = [f"Certificate for {self.model} ({self.backend} backend), probed on {self.n_rows} rows: {verdict}",
               line(head), line(["-" * w for w in widths])]
        out += [line(b) for b in body]
        return "\n".join(out)

    __repr__ = __str__


# ---------------------------------------------------------------------- probing machinery
class _Prober:
    """Evaluate the model on modified copies of reference rows."""

    def __init__(self, model: Any, X: Any, n_rows: int, rng: np.random.Generator):
        import pandas as pd

        self.model = model
        self.spec: Spec = model.spec_
        names = list(self.spec.feature_names)
        if hasattr(X, "columns"):
            frame = X[names].reset_index(drop=True)
        else:
            frame = pd.DataFrame(np.asarray(X, dtype=object), columns=names)
        if len(frame) > n_rows:
            frame = frame.iloc[np.sort(rng.choice(len(frame), n_rows, replace=False))].reset_index(drop=True)
        self.ref = frame
        self.with_names = hasattr(model, "feature_names_in_")
        self.calls = 0

    def __call__(self, frame) -> np.ndarray:
        self.calls += len(frame)
        X = frame if self.with_names else frame.to_numpy(dtype=object)
        if hasattr(self.model, "decision_function") and not hasattr(self.model, "predict_interval"):
            return np.asarray(self.model.decision_function(X), dtype=float)
        return np.asarray(self.model.predict(X), dtype=float)

    def grid(self, name: str) -> np.ndarray:
        fs = self.model.schema_[name]
        kp = np.asarray(fs.keypoints, dtype=float)
        mids = (kp[:-1] + kp[1:]) / 2
        return np.unique(np.concatenate([kp, mids, np.linspace(kp[0], kp[-1], GRID)]))

    def sweep(self, name: str, values: np.ndarray, base=None) -> np.ndarray:
        """Predictions (n_ref, len(values)) with ``name`` set to each value."""
        import pandas as pd

        base = self.ref if base is None else base
        n = len(base)
        rep = base.loc[base.index.repeat(len(values))].reset_index(drop=True)
        rep[name] = np.tile(np.asarray(values, dtype=object), n)
        return self(rep).reshape(n, len(values))

    def sweep2(self, a: str, va: np.ndarray, b: str, vb: np.ndarray) -> np.ndarray:
        """Predictions (n_ref, len(va), len(vb))."""
        base = self.ref
        n = len(base)
        rep = base.loc[base.index.repeat(len(va) * len(vb))].reset_index(drop=True)
        A, B = np.meshgrid(va, vb, indexing="ij")
        rep[a] = np.tile(A.ravel().astype(object), n)
        rep[b] = np.tile(B.ravel().astype(object), n)
        return self(rep).reshape(n, len(va), len(vb))


def _peak_violation(v: np.ndarray) -> float:
    """Largest fall before the maximum or rise after it (0 for a unimodal peak)."""
    m = int(np.argmax(v))
    before = np.max(v[:m] - v[1:m + 1]) if m > 0 else 0.0
    after = np.max(v[m + 1:] - v[m:-1]) if m < len(v) - 1 else 0.0
    return float(max(before, after, 0.0))


def _chord_violation(x: np.ndarray, v: np.ndarray, sign: int) -> np.ndarray:
    """Per row: largest amount by which a point lies above (convex, sign=1) the chord of its neighbours."""
    w = (x[2:] - x[1:-1]) / (x[2:] - x[:-2])
    chord = w * v[:, :-2] + (1 - w) * v[:, 2:]
    return np.max(sign * (v[:, 1:-1] - chord), axis=1) if v.shape[1] > 2 else np.zeros(len(v))


# ---------------------------------------------------------------------- certify
def certify(model: Any, X: Any, *, n_rows: int = 200, random_state: int | None = 0) -> Certificate:
    """Check every constraint of a fitted model's spec on its predictions.

    Parameters
    ----------
    model : fitted priorml estimator
        Lattice or Bayesian; its ``spec_`` lists the constraints.
    X : DataFrame or array
        Real rows; the features not being swept are taken from them.
    n_rows : int
        At most this many rows of ``X`` are used as reference rows.
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

    check_is_fitted(model)
    rng = np.random.default_rng(random_state)
    probe = _Prober(model, X, n_rows, rng)
    spec = probe.spec
    base_pred = probe(probe.ref)
    spread = float(np.ptp(base_pred)) if len(base_pred) > 1 else 1.0
    tol = REL_TOL * max(1.0, spread, float(np.max(np.abs(base_pred))) if len(base_pred) else 1.0)
    backend = "bayes" if hasattr(model, "predict_interval") else "lattice"
    enforce = getattr(model, "_enforcement", None)
    cert = Certificate(type(model).__name__, backend, len(probe.ref))
    nref = len(probe.ref)

    def add(kind: str, feats: str, statement: str, key: Any, domain: str, probes: int, viol: float,
            draws_share: float | None = None) -> None:
        enf, how = enforce(kind, key) if enforce else ("unknown", "")
        cert.rows.append(CertificateRow(kind, feats, statement, enf, how, domain, int(probes), float(max(viol, 0.0)),
                                        tol, bool(viol <= tol), draws_share))

    draws = getattr(model, "_draw_shares", None)
    share = (lambda kind, key: draws(kind, key)) if draws else (lambda kind, key: None)

    for f in spec.features:
        if isinstance(f, NumericFeature):
            if not (f.monotonic or f.shape or f.unimodal):
                continue
            grid = probe.grid(f.name)
            dom = f"{f.name} in [{grid[0]:.4g}, {grid[-1]:.4g}] ({len(grid)} points: keypoints, midpoints, grid) x {nref} rows"
            V = probe.sweep(f.name, grid)
            if f.monotonic:
                viol = float(np.max(-f.monotonic * np.diff(V, axis=1))) if V.shape[1] > 1 else 0.0
                word = "increasing" if f.monotonic > 0 else "decreasing"
                add("monotonic", f.name, f"prediction is {word} in {f.name}", f.name, dom, V.size, viol, share("monotonic", f.name))
            if f.shape:
                sign = 1 if f.shape == "convex" else -1
                viol = float(np.max(_chord_violation(grid, V, sign)))
                add(f.shape, f.name, f"prediction is {f.shape} in {f.name}", f.name, dom, V.size, viol, share(f.shape, f.name))
            if f.unimodal:
                sign = 1 if f.unimodal == "peak" else -1
                viol = max(_peak_violation(sign * row) for row in V)
                add("unimodal", f.name, f"prediction has a single {f.unimodal} in {f.name}", f.name, dom, V.size, viol,
                    share("unimodal", f.name))
        elif isinstance(f, CategoricalFeature) and f.order:
            cats = list(model.schema_[f.name].categories)
            keyed = {str(c): c for c in cats}
            pairs = [(keyed[str(a)], keyed[str(b)]) for a, b in f.order_pairs if str(a) in keyed and str(b) in keyed]
            if not pairs:
                continue
            levels = list(dict.fromkeys([c for p in pairs for c in p]))
            V = probe.sweep(f.name, np.array(levels, dtype=object))
            pos = {str(c): i for i, c in enumerate(levels)}
            viol = max(float(np.max(V[:, pos[str(a)]] - V[:, pos[str(b)]])) for a, b in pairs)
            text = "; ".join(f"f({a}) <= f({b})" for a, b in pairs)
            add("order", f.name, text, f.name, f"{len(levels)} categories x {nref} rows", V.size, viol, share("order", f.name))

    for inter in spec.interactions:
        a, b = inter.features
        if isinstance(inter, Trust):
            ga, gb = _coarse(probe.grid(a)), _coarse(probe.grid(b))
            V = probe.sweep2(a, ga, b, gb)  # (n, |ga|, |gb|)
            main_dir = spec[a].monotonic
            dom = f"{a} x {b} grid {len(ga)}x{len(gb)} x {nref} rows"
            if inter.kind == "edgeworth":
                mixed = np.diff(np.diff(V, axis=1), axis=2)
                viol = float(np.max(-main_dir * inter.direction * mixed))
                stmt = (f"the slope of the prediction along {a} {'grows' if inter.direction > 0 else 'shrinks'} "
                        f"in size as {b} grows (edgeworth)")
            else:
                lower, upper = V.min(axis=1), V.max(axis=1)  # over the main feature, per value of `by`
                d = inter.direction
                viol = float(max(np.max(d * np.diff(lower, axis=1)), np.max(-d * np.diff(upper, axis=1))))
                stmt = f"the range of the prediction along {a} {'widens' if d > 0 else 'narrows'} as {b} grows (trapezoid)"
            add("trust", f"{a} | {b}", stmt, inter, dom, V.size, viol, share("trust", inter))
        elif isinstance(inter, Dominance):
            if inter.kind == "range":
                ra = np.ptp(probe.sweep(a, probe.grid(a)), axis=1)
                rb = np.ptp(probe.sweep(b, probe.grid(b)), axis=1)
                viol = float(np.max(rb - ra))
                add("dominance", f"{a} > {b}", f"the range of the effect of {a} is at least that of {b} (range)", inter,
                    f"full sweeps of {a} and {b} x {nref} rows", 2 * nref * GRID, viol, share("dominance", inter))
            else:
                probes, viol, dom = model._certify_monotonic_dominance(probe.ref, a, b)
                add("dominance", f"{a} > {b}", f"the slope along {a} is at least the slope along {b} per unit of calibrated input",
                    inter, dom, probes, viol, share("dominance", inter))

    if spec.output is not None:
        lo = spec.output.min if spec.output.min is not None else -np.inf
        hi = spec.output.max if spec.output.max is not None else np.inf
        preds = [base_pred]
        for f in spec.features:  # the extremes of the output are reached at the ends of the sweeps
            values = probe.grid(f.name)[[0, -1]] if isinstance(f, NumericFeature) else np.array(model.schema_[f.name].categories, dtype=object)
            preds.append(probe.sweep(f.name, values).ravel())
        allp = np.concatenate(preds)
        viol = float(max(np.max(lo - allp), np.max(allp - hi)))
        add("output", "(output)", f"prediction in [{spec.output.min}, {spec.output.max}]", "output",
            f"{nref} rows and each feature at its extremes", allp.size, viol, share("output", "output"))
    return cert


def _coarse(grid: np.ndarray, k: int = 9) -> np.ndarray:
    """At most ``k`` points of a grid, always keeping both ends."""
    if len(grid) <= k:
        return grid
    return grid[np.unique(np.linspace(0, len(grid) - 1, k).round().astype(int))]
