"""Each feature's learned effect, with the data behind it, for the report.

For every feature the effect is the partial dependence of the prediction on
that feature (the average prediction over reference rows of ``X`` with the
feature set to each grid value), centred to mean zero over the data. For a
Bayesian fit whose additive terms are on the scale drawn (classifiers: the
log-odds; gaussian and student-t regression without output bounds: the
target) the curve is the posterior mean of the feature's additive term with
its credible band (:meth:`BayesianRegressor.shape_functions`), which for an
additive model equals the partial dependence up to a constant. Behind any
other link (output bounds, lognormal, poisson) an additive term is not in
target units, so the curve is the posterior mean of the partial dependence
of the prediction, each draw centred over the data, with the band of those
draws. A fit with one draw (``method="map"``) has no band.

Regression effects come with partial residuals ``y - prediction + effect(x)``,
which scatter around the curve where the model fits the data; classifier
effects are on the log-odds scale and come with the data distribution only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..spec.features import _cat_key
from ..spec.schema import _is_missing, _plain

__all__ = ["feature_effects"]

GRID = 40
MAX_REF_ROWS = 200
MAX_REF_ROWS_DRAWS = 50  # partial dependence per posterior draw: draws x rows x grid predictions
MAX_POINTS = 2000


def _score(model: Any, X: Any) -> np.ndarray:
    """What effects are drawn on: predictions for regressors, log-odds for classifiers."""
    if hasattr(model, "classes_"):
        if hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(X), dtype=float)
        p = np.clip(np.asarray(model.predict_proba(X), dtype=float)[:, 1], 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))
    return np.asarray(model.predict(X), dtype=float)


def _partial_dependence(model: Any, ref: Any, name: str, values: np.ndarray) -> np.ndarray:
    n = len(ref)
    rep = ref.loc[ref.index.repeat(len(values))].reset_index(drop=True)
    rep[name] = np.tile(np.asarray(values, dtype=object), n)
    return _score(model, rep).reshape(n, len(values)).mean(axis=0)


def _additive_on_scale(model: Any) -> bool:
    """Whether a Bayesian model's additive terms are on the scale its effects are drawn on."""
    if hasattr(model, "classes_"):
        return True  # shape_functions and decision_function: the log-odds
    return getattr(model, "likelihood_", None) in ("gaussian", "student_t") and model.spec_.output is None


def _draws_dependence(model: Any, ref: Any, name: str, values: np.ndarray) -> np.ndarray:
    """Partial dependence of the predicted mean for every posterior draw, (draws, len(values))."""
    n = len(ref)
    rep = ref.loc[ref.index.repeat(len(values))].reset_index(drop=True)
    rep[name] = np.tile(np.asarray(values, dtype=object), n)
    d = np.asarray(model.predict_draws(rep), dtype=float)
    return d.reshape(d.shape[0], n, len(values)).mean(axis=1)


def _band(curves: np.ndarray, weights_of: Any, prob: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and equal-tailed band of per-draw curves, each centred over the data first."""
    centred = np.array([c - weights_of(c) for c in curves])
    a = (1 - prob) / 2
    return centred.mean(axis=0), np.quantile(centred, a, axis=0), np.quantile(centred, 1 - a, axis=0)


def _numeric_values(col: Any) -> np.ndarray:
    import pandas as pd

    return pd.to_numeric(pd.Series(np.asarray(col, dtype=object)), errors="coerce").to_numpy(dtype=float)


def feature_effects(model: Any, X: Any, y: Any = None, *, prob: float = 0.9, random_state: int = 0) -> dict[str, dict]:
    """The learned effect of each feature of a fitted priorml model.

    Parameters
    ----------
    model : fitted priorml estimator
        Lattice or Bayesian, regressor or classifier.
    X : DataFrame or array
        The rows the effects are averaged over and drawn with.
    y : array or None
        Targets of ``X``; regression effects then carry partial residuals.
    prob : float
        Mass of the credible band (Bayesian fits).
    random_state : int
        Seed for choosing reference rows and the points drawn.

    Returns
    -------
    dict
        ``feature -> {"kind", "scale", "curve", "x", "effect", "lower", "upper",
        "data_x", "partial_residual", "counts"}``; plain lists (JSON-ready),
        ``curve`` is ``"additive term"`` or ``"partial dependence"`` (what the
        effect is, see above),
        ``lower``/``upper`` are ``None`` without a band, ``partial_residual``
        is ``None`` for classifiers, ``counts`` is the number of rows per
        category (categorical features; values matched to categories as the
        model matches them, missing values in none) or ``None``; ``data_x``
        holds ``None`` for a missing value.
    """
    spec = model.spec_
    rng = np.random.default_rng(random_state)
    frame = model.schema_.frame(spec, X)  # the columns as the model reads them
    ref = frame if len(frame) <= MAX_REF_ROWS else frame.iloc[np.sort(rng.choice(len(frame), MAX_REF_ROWS, replace=False))]
    ref = ref.reset_index(drop=True)
    clf = hasattr(model, "classes_")
    pred = _score(model, frame)
    resid = None
    if y is not None and not clf:
        resid = np.asarray(y, dtype=float) - pred
    show = np.arange(len(frame)) if len(frame) <= MAX_POINTS else np.sort(rng.choice(len(frame), MAX_POINTS, replace=False))
    bayes = hasattr(model, "predict_draws")
    one_draw = bayes and np.asarray(model.predict_draws(frame.iloc[:1])).shape[0] < 2
    terms = bayes and _additive_on_scale(model)
    bands = model.shape_functions(grid=GRID, prob=prob) if terms else {}
    draws_ref = None
    if bayes and not terms:  # a random subset of the reference rows (the data may be sorted)
        keep = np.arange(len(ref)) if len(ref) <= MAX_REF_ROWS_DRAWS else np.sort(
            rng.choice(len(ref), MAX_REF_ROWS_DRAWS, replace=False))
        draws_ref = ref.iloc[keep].reset_index(drop=True)
    curve = "additive term" if terms else "partial dependence"
    target = spec.target or "prediction"
    scale = f"log-odds of {target}" if clf else target
    out: dict[str, dict] = {}
    for f in spec.features:
        fs = model.schema_[f.name]
        col = frame[f.name].to_numpy()
        if fs.kind == "numeric":
            kp = np.asarray(fs.keypoints, dtype=float)
            xv = _numeric_values(col)
            ok = np.isfinite(xv)
            if f.name in bands:
                band = bands[f.name]
                grid = band["x"].to_numpy(dtype=float)
                effect, lower, upper = (band[k].to_numpy(dtype=float) for k in ("mean", "lower", "upper"))
            else:
                grid = np.unique(np.concatenate([np.linspace(kp[0], kp[-1], GRID), kp]))
                if draws_ref is not None:
                    at = np.clip(xv[ok], grid[0], grid[-1])
                    effect, lower, upper = _band(_draws_dependence(model, draws_ref, f.name, grid),
                                                 lambda c: np.interp(at, grid, c).mean() if at.size else c.mean(), prob)
                else:
                    effect, lower, upper = _partial_dependence(model, ref, f.name, grid), None, None
            if one_draw:
                lower = upper = None
            at_data = np.interp(np.clip(xv[ok], grid[0], grid[-1]), grid, effect)
            shift = float(at_data.mean()) if at_data.size else float(effect.mean())
            effect = effect - shift
            if lower is not None:
                lower, upper = lower - shift, upper - shift
            on_data = np.full(len(xv), np.nan)
            on_data[ok] = at_data - shift
            entry = {"kind": "numeric", "scale": scale, "curve": curve, "x": grid.tolist(), "effect": effect.tolist(),
                     "lower": None if lower is None else lower.tolist(), "upper": None if upper is None else upper.tolist(),
                     "data_x": [float(v) if np.isfinite(v) else None for v in xv[show]], "counts": None,
                     "partial_residual": None}
            if resid is not None:
                pr = resid + on_data
                entry["partial_residual"] = [float(v) if np.isfinite(v) else None for v in pr[show]]
        else:
            cats = list(fs.categories)
            keys = [_cat_key(c) for c in cats]
            # as the model reads them: 2.0 from a float column (a NaN in it) is category 2; missing is no category
            miss = _is_missing(np.asarray(col))
            text = np.array([None if m else _cat_key(_plain(v)) for v, m in zip(col, miss)], dtype=object)
            counts = np.array([int(np.sum(text == k)) for k in keys])
            if f.name in bands:
                band = bands[f.name].iloc[:len(cats)]
                effect, lower, upper = (band[k].to_numpy(dtype=float) for k in ("mean", "lower", "upper"))
            elif draws_ref is not None:
                effect, lower, upper = _band(_draws_dependence(model, draws_ref, f.name, np.array(cats, dtype=object)),
                                             lambda c: np.average(c, weights=counts) if counts.sum() else c.mean(), prob)
            else:
                effect, lower, upper = _partial_dependence(model, ref, f.name, np.array(cats, dtype=object)), None, None
            if one_draw:
                lower = upper = None
            shift = float(np.average(effect, weights=counts)) if counts.sum() else float(effect.mean())
            effect = effect - shift
            if lower is not None:
                lower, upper = lower - shift, upper - shift
            index = {k: i for i, k in enumerate(keys)}
            on_data = np.array([effect[index[t]] if t in index else np.nan for t in text])
            entry = {"kind": "categorical", "scale": scale, "curve": curve, "x": keys, "effect": effect.tolist(),
                     "lower": None if lower is None else lower.tolist(), "upper": None if upper is None else upper.tolist(),
                     "data_x": [None if t is None else str(t) for t in text[show]], "counts": counts.tolist(),
                     "partial_residual": None}
            if resid is not None:
                pr = resid + on_data
                entry["partial_residual"] = [float(v) if np.isfinite(v) else None for v in pr[show]]
        out[f.name] = entry
    return out
