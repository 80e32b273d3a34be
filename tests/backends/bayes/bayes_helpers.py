"""Helper of the Bayesian backend tests: an estimator whose draws are prior draws.

:func:`prior_model` goes through the same steps as ``fit`` up to the model
that :func:`priorml.backends.bayes.build_model` compiles, then draws from its
prior instead of sampling its posterior; the result predicts, certifies and
runs ``prior_predictive`` like a fitted model, in a second or two.
"""

from __future__ import annotations

import warnings

import numpy as np


def _draw_prior(built, terms, draws: int, random_state: int) -> dict[str, np.ndarray]:
    import pymc as pm
    import pytensor
    from pytensor.compile.mode import Mode

    names = [t.name for t in terms] + ["b0", "sigma", "nu"]
    present = [n for n in names if n in built.model.named_vars]
    # one vectorised call: graph rewrites would cost more than they save
    with built.model, warnings.catch_warnings(), pytensor.config.change_flags(mode=Mode(linker="cvm", optimizer="fast_compile")):
        warnings.simplefilter("ignore")
        prior = pm.sample_prior_predictive(draws=draws, var_names=present, random_seed=random_state)
    out = {}
    for n in present:
        arr = np.asarray(prior.prior[n])
        out[n] = arr.reshape((-1,) + arr.shape[2:])
    return out


def prior_model(spec, X, y, *, likelihood: str = "gaussian", draws: int = 300, random_state: int = 0,
                smoothness: float = 1.0, effect_scale: float | None = None):
    """A BayesianRegressor/BayesianClassifier "fitted" to (X, y) whose draws are ``draws`` prior draws."""
    from priorml import BayesianClassifier, BayesianRegressor
    from priorml.backends import bayes
    from priorml.estimators._base import check_fit_input, encode_classes, fit_schema

    classifier = likelihood == "bernoulli"
    est = (BayesianClassifier if classifier else BayesianRegressor)(spec, likelihood=likelihood, smoothness=smoothness,
                                                                         effect_scale=effect_scale)
    task = "classification" if classifier else "regression"
    spec_, yv = check_fit_input(est, X, y, task)
    if classifier:
        est.classes_, y_model = encode_classes(yv)
    schema, Xenc, _ = fit_schema(spec_, X, yv)
    if not classifier:
        y_model = bayes.model_target(likelihood, yv, schema)
    bayes.verify_spec(spec_, likelihood)
    terms = bayes.make_terms(spec_, schema, Xenc)
    built = bayes.build_model(spec_, schema, terms, Xenc, y_model, likelihood=likelihood, smoothness=smoothness,
                              effect_scale=effect_scale)
    est.program_ = bayes.BayesProgram(terms, built.link, likelihood, _draw_prior(built, terms, draws, random_state))
    est.spec_, est.schema_, est.likelihood_ = spec_, schema, likelihood
    est.prior_table_ = [r.to_dict() for r in built.records]
    est.diagnostics_ = {"method": "prior"}
    return est
