"""What the Bayesian priors and prior draws are of, checked on prior draws.

* ``prior_predictive`` of a classifier draws class labels (those of ``classes_``), not 0/1 codes;
* an effect prior is on the change from the feature's first to its last keypoint, which is the
  training range by default and the keypoint range when explicit keypoints are wider than the data;
* on the main feature of an edgeworth trust, it holds where the condition is at the end of its range
  at which the trust surface adds nothing; elsewhere the prediction changes more.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from priorml.backends.bayes.priors import mass_in_range

from bayes_helpers import prior_model

PRIOR_MC = 4000  # the MC error of a mass is <= 0.008: +-0.025 is 3 standard errors


def _user_record(model, feature):
    (rec,) = [r for r in model.prior_table_ if r["origin"] == "user" and r["feature"] == feature]
    return rec


def _change(model, feature: str, x0: float, x1: float, others: dict[str, float] | None = None) -> np.ndarray:
    """Per prior draw, the change of the linear predictor (target units) from ``x0`` to ``x1`` of
    ``feature``, the other features fixed at ``others`` (encoded values; 0 by default)."""
    names = model.spec_.feature_names
    rows = np.zeros((2, len(names)))
    for name, v in (others or {}).items():
        rows[:, names.index(name)] = v
    rows[:, names.index(feature)] = (x0, x1)
    rows = np.column_stack([np.clip(rows[:, j], fs.keypoints[0], fs.keypoints[-1])  # as the encoder does
                            for j, fs in enumerate(model.schema_.features)])
    eta = model.program_.eta(rows) * model.schema_.y_scale
    return eta[:, 1] - eta[:, 0]


def _in(c: np.ndarray, lo: float, hi: float) -> float:
    return float(np.mean((c >= lo) & (c <= hi)))


# ---------------------------------------------------------------------- prior_predictive of a classifier
@pytest.mark.parametrize("labels", [("no", "yes"), (3, 7), (False, True)])
def test_classifier_prior_predictive_draws_class_labels(labels):
    """``y`` held the 0/1 codes of the model (floats), not the labels that ``predict`` returns."""
    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame({"a": rng.uniform(0, 1, n)})
    y = np.where(X["a"] + rng.normal(0, 0.3, n) > 0.5, labels[1], labels[0])
    spec = {"features": {"a": {"monotonic": "increasing"}}}
    model = prior_model(spec, X, y, likelihood="bernoulli", draws=50)
    model.progressbar = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prior = model.prior_predictive(X.iloc[:6], draws=300, random_state=0)
    assert set(prior) == {"mean", "y"}
    ys, p = prior["y"], prior["mean"]
    assert ys.shape == p.shape == (300, 6)
    assert ys.dtype == model.predict(X.iloc[:6]).dtype == model.classes_.dtype
    assert set(np.unique(ys).tolist()) == set(np.asarray(labels).tolist())  # both labels drawn, nothing else
    # "mean" is the probability of classes_[1], and y takes classes_[1] with that probability
    assert np.all((0 <= p) & (p <= 1))
    assert np.mean(ys == model.classes_[1]) == pytest.approx(np.mean(p), abs=0.04)


# ---------------------------------------------------------------------- the range an effect prior is on
def _narrow_data(n: int = 80, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0.2, 0.8, n), "b": rng.uniform(0.2, 0.8, n)})
    X.loc[0, ["a", "b"]], X.loc[1, ["a", "b"]] = 0.2, 0.8  # the data span exactly [0.2, 0.8]
    y = 10 * X["a"].to_numpy() + 3 * X["b"].to_numpy() + rng.normal(0, 1, n)
    return X, y


def test_effect_prior_is_on_the_training_range_by_default():
    X, y = _narrow_data()
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}},
            "priors": {"a": {"effect": [2, 6], "prob": 0.9}, "b": {"effect": [-3, 5], "prob": 0.9}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC)
    for name, (lo, hi) in (("a", (2, 6)), ("b", (-3, 5))):
        assert _in(_change(model, name, 0.2, 0.8), lo, hi) == pytest.approx(0.9, abs=0.025), name


def test_effect_prior_is_on_the_keypoint_range_when_the_keypoints_are_wider_than_the_data():
    """Data in [0.2, 0.8], keypoints [0, ..., 1]: the prior is on the change from 0 to 1 (the guide and
    the priors' docstring said "from the smallest to the largest training value")."""
    X, y = _narrow_data()
    spec = {"features": {"a": {"monotonic": "increasing", "keypoints": [0, 0.5, 1]},
                         "b": {"keypoints": [0, 0.25, 0.5, 0.75, 1]}},
            "priors": {"a": {"effect": [2, 6], "prob": 0.9}, "b": {"effect": [-3, 5], "prob": 0.9}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC)
    for name, (lo, hi) in (("a", (2, 6)), ("b", (-3, 5))):
        rec = _user_record(model, name)
        over_keypoints = _change(model, name, 0.0, 1.0)
        over_data = _change(model, name, 0.2, 0.8)
        # the keypoint range carries the requested mass, and follows the recorded distribution
        assert _in(over_keypoints, lo, hi) == pytest.approx(0.9, abs=0.025), name
        assert mass_in_range(rec["distribution"], rec["params"], lo, hi) == pytest.approx(0.9, abs=1e-9)
        if rec["distribution"] == "LogNormal":  # monotone: |change| ~ LogNormal(mu, sigma)
            logs = np.log(over_keypoints)
            assert np.mean(logs) == pytest.approx(rec["params"]["mu"], abs=0.03)
            assert np.std(logs) == pytest.approx(rec["params"]["sigma"], rel=0.05)
            # the data's range holds a part of the change only
            assert np.all(over_data <= over_keypoints + 1e-9) and np.median(over_data / over_keypoints) < 0.8
            assert _in(over_data, lo, hi) < 0.75
        else:  # free: change ~ Normal(mu, sigma) over the keypoints; the data's range is another quantity
            assert np.mean(over_keypoints) == pytest.approx(rec["params"]["mu"], abs=0.1)
            assert np.std(over_keypoints) == pytest.approx(rec["params"]["sigma"], rel=0.05)
            assert abs(np.std(over_data) - rec["params"]["sigma"]) > 0.2 * rec["params"]["sigma"]
        # flat beyond the keypoints: any wider range gives the same change
        np.testing.assert_allclose(_change(model, name, -5.0, 5.0), over_keypoints)


# ---------------------------------------------------------------------- effect prior with an edgeworth trust
@pytest.mark.parametrize("main, direction", [("increasing", "positive"), ("increasing", "negative"),
                                             ("decreasing", "positive")])
def test_effect_prior_on_a_trusted_feature_holds_where_the_trust_adds_nothing(main, direction):
    """The prior is on the main effect: the prediction's change across the main feature has the
    requested mass with the condition at its first keypoint (positive trust) or its last (negative);
    at any other value of the condition it is larger in size, draw by draw."""
    rng = np.random.default_rng(1)
    n = 80
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    y = 10 * X["a"].to_numpy() * (1 + X["b"].to_numpy()) + rng.normal(0, 1, n)
    lo, hi = (2, 6) if main == "increasing" else (-6, -2)
    spec = {"features": {"a": {"monotonic": main}, "b": {"monotonic": "increasing"}},
            "interactions": [{"trust": "edgeworth", "feature": "a", "by": "b", "direction": direction}],
            "priors": {"a": {"effect": [lo, hi], "prob": 0.9}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC)
    ka, kb = (fs.keypoints for fs in model.schema_.features)
    exact_end, other_end = (kb[0], kb[-1]) if direction == "positive" else (kb[-1], kb[0])
    at = {b: _change(model, "a", ka[0], ka[-1], {"b": b}) for b in (exact_end, float(np.median(kb)), other_end)}
    assert _in(at[exact_end], lo, hi) == pytest.approx(0.9, abs=0.025)
    sign = 1.0 if main == "increasing" else -1.0
    for b in (float(np.median(kb)), other_end):
        assert np.all(sign * at[b] >= sign * at[exact_end] - 1e-9)  # the trust adds a change of the same sign
        assert _in(at[b], lo, hi) < 0.5  # and the prior's mass is not there
