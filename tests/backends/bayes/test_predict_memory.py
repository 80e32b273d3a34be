"""Predictions of a Bayesian model go through the rows in blocks, so that their memory does not grow
with posterior draws x rows.

The default fit keeps 4,000 draws, and a gaussian model fits hundreds of thousands of rows in the
time of a few hundred (sufficient statistics). ``predict`` on 200,000 rows built the whole
(draws x rows) matrix of the mean function twice over (13 GB), and ``predict_interval`` three
times (19 GB): a MemoryError, or the process killed, where the fit itself had worked.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

import priorml.estimators.bayes as bayes_estimators

from bayes_helpers import prior_model

DRAWS, ROWS = 1000, 5000
FULL = DRAWS * ROWS * 8  # bytes of one (draws x rows) float64 matrix


def _data(n: int, seed: int):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    return X, 2 * X["a"].to_numpy() + np.sin(3 * X["b"].to_numpy()) + rng.normal(0, 0.2, n)


def _peak(fn, *args, **kwargs):
    tracemalloc.start()
    try:
        out = fn(*args, **kwargs)
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_predictions_are_computed_in_blocks_of_rows(likelihood, monkeypatch):
    X, y = _data(80, 0)
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}
    if likelihood == "bernoulli":
        spec["task"], y = "classification", (y > np.median(y)).astype(int)
    model = prior_model(spec, X, y, likelihood=likelihood, draws=DRAWS)
    Xbig, _ = _data(ROWS, 1)
    draws = model.predict_draws(Xbig)  # the reference: the whole matrix, as documented
    monkeypatch.setattr(bayes_estimators, "PREDICT_BLOCK_VALUES", 2 ** 16)  # 0.5 MB blocks
    if likelihood == "bernoulli":
        proba, peak = _peak(model.predict_proba, Xbig)
        np.testing.assert_allclose(proba[:, 1], draws.mean(axis=0), rtol=1e-12)
        assert peak < FULL / 4, f"predict_proba peaked at {peak / 1e6:.0f} MB"
        return
    (mean, sd), peak = _peak(model.predict, Xbig, return_std=True)
    np.testing.assert_allclose(mean, draws.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(sd, draws.std(axis=0), rtol=1e-10)
    assert peak < FULL / 4, f"predict peaked at {peak / 1e6:.0f} MB"
    interval, peak = _peak(model.predict_interval, Xbig, prob=0.8, random_state=3)
    assert peak < FULL / 4, f"predict_interval peaked at {peak / 1e6:.0f} MB"
    assert interval.shape == (ROWS, 2) and np.all(interval[:, 0] < interval[:, 1])
    # the same interval up to Monte Carlo error: the 10% and 90% quantiles of mean + noise, per row
    sigma = model.program_.draws["sigma"][:, None] * model.schema_.y_scale
    rng = np.random.default_rng(0)
    ys = draws[:, :200] + sigma * rng.standard_normal((DRAWS, 200))
    ref = np.quantile(ys, [0.1, 0.9], axis=0).T
    assert np.median(np.abs(interval[:200] - ref)) < 0.05 * np.median(ref[:, 1] - ref[:, 0])
    # the same random_state gives the same interval; an empty X gives empty predictions
    np.testing.assert_array_equal(model.predict_interval(Xbig[:50], prob=0.8, random_state=3),
                                  model.predict_interval(Xbig[:50], prob=0.8, random_state=3))
    assert model.predict(Xbig[:0]).shape == (0,) and model.predict_interval(Xbig[:0]).shape == (0, 2)
