"""The likelihood two ways: sufficient statistics vs per row, and the numpy pointwise
log-likelihood vs PyMC's own.

For gaussian (and lognormal) noise with no output link, the model's log-density is
evaluated through Z'Z, Z'y and y'y. It must equal the per-row model's log-density at
any parameter value; and the pointwise log-likelihood that the estimator computes in
numpy from the draws must equal what PyMC computes from its own likelihood node.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml import Spec
from priorml.backends.bayes import BayesProgram, build_model, make_terms, model_target
from priorml.backends.bayes.model import uses_sufficient_statistics
from priorml.estimators._base import fit_schema

pytest.importorskip("pymc")

SPECS = {
    "monotone_convex_categorical": {
        "features": {"x": {"monotonic": "increasing", "shape": "convex", "keypoints": 5},
                     "z": {"keypoints": 4}, "c": {"type": "categorical", "order": ["a", "b", "c"]}}},
    "trust_and_unimodal": {
        "features": {"x": {"monotonic": "increasing", "keypoints": 4}, "z": {"monotonic": "decreasing", "keypoints": 3},
                     "u": {"unimodal": "peak", "keypoints": 5}},
        "interactions": [{"trust": "edgeworth", "feature": "x", "by": "z", "direction": "positive"}]},
}


def _data(n: int = 120, seed: int = 0, positive: bool = False):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.uniform(0, 1, n), "z": rng.uniform(-1, 1, n), "u": rng.uniform(0, 3, n),
                      "c": rng.choice(["a", "b", "c"], n)})
    y = 2 * X["x"] ** 2 + np.sin(X["z"]) + rng.normal(0, 0.3, n)
    return X, (np.exp(y / 2) if positive else y)


def _build(spec_dict, X, y, likelihood, sufficient):
    spec = Spec.from_dict(spec_dict)
    X = X[list(spec.feature_names)]
    schema, Xenc, _ = fit_schema(spec, X, y)
    y_model = model_target(likelihood, y, schema)
    terms = make_terms(spec, schema, Xenc)
    return build_model(spec, schema, terms, Xenc, y_model, likelihood=likelihood, sufficient=sufficient)


# lognormal refuses trust surfaces (exp would bend them), so it is checked on the first spec only
@pytest.mark.parametrize("name, likelihood", [("monotone_convex_categorical", "gaussian"),
                                              ("trust_and_unimodal", "gaussian"),
                                              ("monotone_convex_categorical", "lognormal")])
def test_sufficient_statistics_give_the_per_row_log_density(name, likelihood):
    X, y = _data(positive=likelihood == "lognormal")
    fast = _build(SPECS[name], X, y, likelihood, sufficient=None)
    slow = _build(SPECS[name], X, y, likelihood, sufficient=False)
    assert uses_sufficient_statistics(Spec.from_dict(SPECS[name]), likelihood)
    assert "y" not in fast.model.named_vars and "y" in slow.model.named_vars
    logp_fast = fast.model.compile_logp()
    logp_slow = slow.model.compile_logp()
    rng = np.random.default_rng(1)
    start = fast.model.initial_point()
    for _ in range(5):  # random points in the unconstrained space, far from the mode too
        point = {k: v + rng.normal(0, 0.7, np.shape(v)) for k, v in start.items()}
        np.testing.assert_allclose(logp_fast(point), logp_slow(point), rtol=1e-9, atol=1e-6)


def test_output_bounds_keep_the_per_row_likelihood():
    spec = Spec.from_dict({**SPECS["monotone_convex_categorical"], "output": {"min": -5, "max": 5}})
    assert not uses_sufficient_statistics(spec, "gaussian")
    assert not uses_sufficient_statistics(Spec.from_dict(SPECS["trust_and_unimodal"]), "student_t")


@pytest.mark.parametrize("likelihood", ["gaussian", "student_t", "poisson", "bernoulli"])
def test_numpy_pointwise_log_likelihood_matches_pymc(likelihood):
    import pymc as pm

    X, y = _data(80, seed=2)
    if likelihood == "poisson":
        y = np.random.default_rng(3).poisson(np.exp(0.5 + X["x"].to_numpy()))
    elif likelihood == "bernoulli":
        y = (y > np.median(y)).astype(float)
    spec_dict = {**SPECS["monotone_convex_categorical"], "output": {"min": -3, "max": 6}} \
        if likelihood == "gaussian" else SPECS["monotone_convex_categorical"]
    spec = Spec.from_dict(spec_dict)
    Xs = X[list(spec.feature_names)]
    schema, Xenc, _ = fit_schema(spec, Xs, y)
    y_model = model_target(likelihood, y, schema) if likelihood != "bernoulli" else y
    terms = make_terms(spec, schema, Xenc)
    built = build_model(spec, schema, terms, Xenc, y_model, likelihood=likelihood)
    with built.model:
        prior = pm.sample_prior_predictive(draws=30, random_seed=0)
    import arviz as az

    post = az.InferenceData(posterior=prior.prior)
    with built.model:
        pm.compute_log_likelihood(post, model=built.model, progressbar=False, extend_inferencedata=True)
    expected = np.asarray(post.log_likelihood["y"]).reshape(30, -1)
    names = [t.name for t in terms] + ["b0", "sigma", "nu"]
    arrays = {n: np.asarray(prior.prior[n]).reshape((30,) + np.asarray(prior.prior[n]).shape[2:])
              for n in names if n in prior.prior}
    program = BayesProgram(terms, built.link, likelihood, arrays)
    np.testing.assert_allclose(program.log_likelihood(Xenc, y_model), expected, rtol=1e-7, atol=1e-7)


def test_fitted_log_likelihood_supports_loo_and_records_how_it_was_evaluated():
    import arviz as az

    X, y = _data(100, seed=4)
    spec = {"features": {"x": {"monotonic": "increasing", "keypoints": 4}, "z": {"keypoints": 3}}}
    m = priorml.BayesianRegressor(spec, draws=150, tune=150, chains=2, progressbar=False, random_state=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X[["x", "z"]], y)
    assert m.diagnostics_["likelihood_evaluation"].startswith("sufficient statistics")
    ll = m.idata_.log_likelihood["y"]
    assert ll.shape == (2, 150, 100)
    # densities of y in target units: the standardisation's Jacobian is included
    direct = m.program_.log_likelihood(m.schema_.transform(m.spec_, X[["x", "z"]]),
                                       m.idata_.observed_data["y"].values).reshape(2, 150, 100)
    np.testing.assert_allclose(ll.values, direct - np.log(m.schema_.y_scale))
    loo = az.loo(m.idata_)
    assert np.isfinite(loo.elpd_loo)
