"""Inference, diagnostics and the public surface of the Bayesian estimators.

One tiny model (60 rows, two features with 3 keypoints) is sampled by each
NUTS implementation (nutpie, PyMC, numpyro on CPU); the nutpie fit is shared
by the tests of predictions, intervals, shape functions, InferenceData and
persistence. ADVI, MAP, the five likelihoods and the diagnostics' warning
each get one small fit of their own.
"""

from __future__ import annotations

import logging
import os
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml import BayesianClassifier, BayesianRegressor, SamplerWarning, SpecError

N = 60
SPEC = {"features": {"x": {"monotonic": "increasing", "keypoints": 3}, "z": {"keypoints": 3}}}
NUTS = dict(draws=200, tune=200, chains=2, progressbar=False, random_state=0)
DIAGNOSTICS = ("r_hat_max", "ess_bulk_min", "ess_tail_min", "divergences", "bfmi_min")


def _data(seed: int = 0, n: int = N) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.uniform(0, 1, n), "z": rng.uniform(-1, 1, n)})
    y = 2 * X["x"].to_numpy() + np.sin(2 * X["z"].to_numpy()) + rng.normal(0, 0.3, n)
    return X, y


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)  # 200 draws: r_hat/ESS may miss the strict thresholds
        return est.fit(X, y)


@pytest.fixture(scope="module")
def data():
    return _data()


@pytest.fixture(scope="module")
def nutpie_model(data):
    return _fit(BayesianRegressor(SPEC, sampler="nutpie", **NUTS), *data)


# ---------------------------------------------------------------------- samplers and methods
@pytest.mark.parametrize("sampler, extra", [("pymc", {}), ("numpyro", {"device": "cpu"})])
def test_every_nuts_implementation_gives_the_same_posterior(nutpie_model, data, sampler, extra, caplog):
    X, y = data
    with caplog.at_level(logging.INFO, logger="pymc"):
        other = _fit(BayesianRegressor(SPEC, sampler=sampler, **extra, **NUTS), X, y)
    # progressbar=False is quiet: PyMC logged "Initializing NUTS...", "Sampling 2 chains..."
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("pymc")]
    assert other.diagnostics_["sampler"] == sampler and other.program_.n_draws == 400
    # posterior means of the mean function agree to Monte-Carlo error (their posterior sd is ~0.1)
    np.testing.assert_allclose(other.predict(X), nutpie_model.predict(X), atol=0.08)
    s_other, s_nutpie = (m.program_.draws["sigma"].mean() for m in (other, nutpie_model))
    assert abs(s_other - s_nutpie) < 0.1 * s_nutpie
    assert other.diagnostics_["divergences"] == 0


def test_nuts_diagnostics_are_recorded(nutpie_model):
    d = nutpie_model.diagnostics_
    assert d["method"] == "nuts" and d["sampler"] == "nutpie" and d["chains"] == 2 and d["draws"] == 200
    for key in DIAGNOSTICS:
        assert np.isfinite(d[key]), key
    assert 1.0 <= d["r_hat_max"] < 1.1  # a well-identified model: close, even on 200 draws
    # the lowest is the random-walk scale tau's; on 2 x 200 draws its ESS is noisy (about 40 to 140 over
    # default priors and seeds; 350-500 on 2 x 1000): far above the handful that a stuck chain gives
    assert 50 < d["ess_bulk_min"] and 25 < d["ess_tail_min"]
    assert d["divergences"] == 0 and isinstance(d["divergences"], int)
    assert 0.3 < d["bfmi_min"]
    assert isinstance(d["problems"], list)


def test_a_badly_identified_model_warns():
    # x and an exact copy of it, unconstrained: only their sum is identified (a ridge in the posterior).
    # With 20 draws x 2 chains after 5 tuning steps, the bulk ESS cannot reach the 100-per-chain minimum
    # (it is at most a few times the 40 draws), so the ESS check fires whatever the seed.
    X, y = _data(1)
    X = X.assign(x_copy=X["x"])
    est = BayesianRegressor({"features": {"x": {"keypoints": 3}, "x_copy": {"keypoints": 3}, "z": {"keypoints": 2}}},
                            sampler="nutpie", draws=20, tune=5, chains=2, progressbar=False, random_state=0)
    with pytest.warns(SamplerWarning, match="effective sample size too low") as rec:
        est.fit(X, y)
    problems = est.diagnostics_["problems"]
    assert any("effective sample size" in p for p in problems)
    assert len([w for w in rec if issubclass(w.category, SamplerWarning)]) >= len(problems)
    assert est.diagnostics_["ess_bulk_min"] < 200


@pytest.mark.parametrize("used, advice", [
    (None, "raise target_accept (e.g. 0.95)"), (0.8, "raise target_accept (now 0.8; e.g. 0.95)"),
    (0.95, "raise target_accept (now 0.95; e.g. 0.99)"), (0.995, "target_accept is already 0.995"),
])
def test_divergence_advice_names_a_target_accept_above_the_one_used(used, advice):
    from priorml.backends.bayes.sampling import _raise_target_accept

    assert _raise_target_accept(used).startswith(advice)


def test_advi_with_student_t_noise(data, caplog):
    X, y = data
    with caplog.at_level(logging.INFO, logger="pymc"):
        est = BayesianRegressor(SPEC, likelihood="student_t", method="advi", draws=100, chains=2, progressbar=False,
                                random_state=0).fit(X, y)
    # progressbar=False is quiet: PyMC logged "Finished [100%]: Average Loss = ..."
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("pymc")]
    assert est.program_.n_draws == 200 and est.likelihood_ == "student_t"
    assert np.all(est.program_.draws["nu"] > 0)
    d = est.diagnostics_
    assert d["method"] == "advi" and d["sampler"] == "advi" and "approximation" in d["note"]
    assert not any(k in d for k in DIAGNOSTICS)  # no MCMC diagnostics for an approximation
    assert np.corrcoef(est.predict(X), y)[0, 1] > 0.8
    iv = est.predict_interval(X, prob=0.9)
    assert np.all(iv[:, 0] < iv[:, 1])


def test_advi_with_lognormal_noise():
    # multiplicative noise on a positive target: y = exp(0.5 + x + noise), noise sd 0.2 on the log scale
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"x": rng.uniform(0, 1, N), "z": rng.uniform(-1, 1, N)})
    y = np.exp(0.5 + X["x"].to_numpy() + rng.normal(0, 0.2, N))
    est = BayesianRegressor(SPEC, likelihood="lognormal", method="advi", draws=100, chains=2, progressbar=False,
                            random_state=0).fit(X, y)
    assert est.likelihood_ == "lognormal" and est.program_.n_draws == 200
    # predict is the posterior mean of E[y | x] = exp(mu + s^2 / 2), with mu and s on the log scale
    mu = est.schema_.unscale_y(est.program_.mean(est.schema_.transform(est.spec_, X)))
    s = est.schema_.y_scale * est.program_.draws["sigma"][:, None]
    np.testing.assert_allclose(est.predict(X), np.exp(mu + s ** 2 / 2).mean(axis=0))
    assert 0.1 < np.median(s) < 0.35  # the truth: 0.2
    grid = pd.DataFrame({"x": np.linspace(0, 1, 11), "z": 0.0})
    assert np.all(np.diff(est.predict_draws(grid), axis=1) >= 0)  # every draw increasing in x
    assert 2.0 < est.predict(grid)[-1] / est.predict(grid)[0] < 3.5  # the truth: e = 2.7
    iv = est.predict_interval(X, prob=0.9)
    assert np.all(iv > 0) and 0.75 <= np.mean((iv[:, 0] <= y) & (y <= iv[:, 1])) <= 1.0
    # pointwise log-likelihood: the lognormal density of y in target units (Jacobian included)
    from scipy.stats import norm

    ll = np.asarray(est.idata_.log_likelihood["y"]).reshape(200, N)
    expected = norm.logpdf(np.log(y), mu, s) - np.log(y)
    np.testing.assert_allclose(ll, expected, rtol=1e-6, atol=1e-6)
    with pytest.raises(priorml.DataError, match="positive target"):
        BayesianRegressor(SPEC, likelihood="lognormal", method="map", progressbar=False).fit(X, y - 3)


def test_log_likelihood_is_in_target_units(nutpie_model, data):
    # az.loo of fits with different likelihoods (different model units) must be comparable
    from scipy.stats import norm

    X, y = data
    mean = nutpie_model.predict_draws(X)
    sd = nutpie_model.schema_.y_scale * nutpie_model.program_.draws["sigma"][:, None]
    ll = np.asarray(nutpie_model.idata_.log_likelihood["y"]).reshape(400, N)
    np.testing.assert_allclose(ll, norm.logpdf(y, mean, sd), rtol=1e-6, atol=1e-6)


def test_map_predictive_interval_is_the_plug_in_noise_interval(data):
    """One point estimate: each of its y draws is noise around it, so the 90 % interval is about
    +-1.645 sigma wide (it was zero-width when one posterior draw gave one y draw)."""
    X, y = data
    est = BayesianRegressor(SPEC, method="map", progressbar=False).fit(X, y)
    iv = est.predict_interval(X, prob=0.9)
    sigma = est.schema_.y_scale * float(est.program_.draws["sigma"][0])
    np.testing.assert_allclose(iv[:, 1] - iv[:, 0], 2 * 1.645 * sigma, rtol=0.15)
    np.testing.assert_allclose(iv.mean(axis=1), est.predict(X), atol=0.15 * sigma)


def test_map_with_poisson_counts():
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"x": rng.uniform(0, 1, N), "z": rng.uniform(-1, 1, N)})
    y = rng.poisson(np.exp(0.5 + 1.5 * X["x"].to_numpy()))
    est = BayesianRegressor(SPEC, likelihood="poisson", method="map", progressbar=False).fit(X, y)
    assert est.program_.n_draws == 1 and est.diagnostics_["method"] == "map"
    grid = pd.DataFrame({"x": np.linspace(0, 1, 11), "z": 0.0})
    rate = est.predict(grid)
    assert np.all(rate > 0) and np.all(np.diff(rate) >= 0)  # positive and increasing in x
    assert 2.0 < rate[-1] / rate[0] < 8.0  # the truth is exp(1.5) = 4.5
    with pytest.raises(priorml.DataError, match="counts"):
        BayesianRegressor(SPEC, likelihood="poisson", method="map", progressbar=False).fit(X, y + 0.5)


def test_bernoulli_classifier_with_string_labels(data):
    X, _ = data
    rng = np.random.default_rng(3)
    logit = 4 * (X["x"].to_numpy() - 0.5) + np.sin(2 * X["z"].to_numpy())
    y = np.where(rng.uniform(size=N) < 1 / (1 + np.exp(-logit)), "yes", "no")
    clf = _fit(BayesianClassifier(SPEC, draws=100, tune=100, chains=2, progressbar=False, random_state=0), X, y)
    assert list(clf.classes_) == ["no", "yes"] and clf.likelihood_ == "bernoulli"
    proba = clf.predict_proba(X)
    assert proba.shape == (N, 2) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert set(pred) <= {"no", "yes"} and np.mean(pred == y) > 0.65
    np.testing.assert_array_equal(pred, np.where(proba[:, 1] > 0.5, "yes", "no"))
    grid = pd.DataFrame({"x": np.linspace(0, 1, 11), "z": 0.0})
    assert np.all(np.diff(clf.decision_function(grid)) >= 0)  # monotone log-odds in x
    assert {"posterior", "log_likelihood", "observed_data"} <= set(clf.idata_.groups())


# ---------------------------------------------------------------------- the fitted model's surface
def test_inference_data_supports_loo(nutpie_model, data):
    import arviz as az

    idata = nutpie_model.idata_
    assert {"posterior", "log_likelihood", "observed_data"} <= set(idata.groups())
    assert idata.log_likelihood["y"].shape == (2, 200, N)
    np.testing.assert_allclose(np.asarray(idata.observed_data["y"]), nutpie_model.schema_.scale_y(data[1]))
    loo = az.loo(idata)
    assert np.isfinite(loo.elpd_loo) and 0 < loo.p_loo < 10  # about 2 x 3 keypoints + intercept + noise


def test_predictions_intervals_and_draws(nutpie_model, data):
    X, y = data
    mean, std = nutpie_model.predict(X, return_std=True)
    assert mean.shape == std.shape == (N,)
    np.testing.assert_array_equal(mean, nutpie_model.predict(X))
    assert np.all(std > 0) and np.all(std < 0.5)
    draws = nutpie_model.predict_draws(X)
    assert draws.shape == (400, N)
    np.testing.assert_allclose(draws.mean(axis=0), mean)
    np.testing.assert_allclose(draws.std(axis=0), std)
    iv90 = nutpie_model.predict_interval(X, prob=0.9)
    iv50 = nutpie_model.predict_interval(X, prob=0.5)
    assert iv90.shape == (N, 2) and np.all(iv90[:, 0] <= iv90[:, 1])
    assert np.all(iv90[:, 0] <= iv50[:, 0]) and np.all(iv50[:, 1] <= iv90[:, 1])
    assert np.all((iv90[:, 0] < mean) & (mean < iv90[:, 1]))
    assert 0.75 <= np.mean((iv90[:, 0] <= y) & (y <= iv90[:, 1])) <= 1.0  # includes the noise (sd 0.3)
    np.testing.assert_array_equal(iv90, nutpie_model.predict_interval(X, prob=0.9))  # seeded
    with pytest.raises(priorml.DataError, match="prob"):
        nutpie_model.predict_interval(X, prob=1.5)


def test_shape_functions(nutpie_model, data):
    X, _ = data
    curves = nutpie_model.shape_functions(grid=20, prob=0.9)
    assert set(curves) == {"x", "z"}
    for name, df in curves.items():
        assert list(df.columns) == ["x", "mean", "lower", "upper"]
        assert np.all(df["lower"] <= df["mean"]) and np.all(df["mean"] <= df["upper"])
        assert np.all(df["lower"] < df["upper"])
        kp = nutpie_model.schema_[name].keypoints
        assert df["x"].iloc[0] == kp[0] and df["x"].iloc[-1] == kp[-1] and set(kp) <= set(df["x"])
    for kw, where in [({"grid": -5}, "grid"), ({"grid": 2.5}, "grid"), ({"prob": 2}, "prob"), ({"prob": "0.9"}, "prob")]:
        with pytest.raises(priorml.DataError, match=rf"{where}: expected"):
            nutpie_model.shape_functions(**kw)
    with pytest.raises(priorml.DataError, match=r"draws: expected an integer >= 1; got 0"):
        nutpie_model.prior_predictive(X.iloc[:3], draws=0)
    x = curves["x"]
    assert np.all(np.diff(x["mean"]) >= 0) and x["mean"].iloc[-1] - x["mean"].iloc[0] > 1.0  # truth: +2
    # each effect is centred on the training rows: per draw, its mean over them is 0
    for j, term in enumerate(nutpie_model.program_.terms):
        W = term.weights(nutpie_model.schema_.transform(nutpie_model.spec_, X))
        effect = nutpie_model.program_.draws[term.name] @ W.T
        np.testing.assert_allclose(effect.mean(axis=1), 0.0, atol=1e-9)


def _same_predictions(a, b, X) -> None:
    np.testing.assert_array_equal(a.predict_draws(X), b.predict_draws(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(a.predict_interval(X), b.predict_interval(X))


def test_save_load_and_pickle_round_trips(nutpie_model, data, tmp_path):
    X, _ = data
    nutpie_model.save(tmp_path / "model")
    loaded = priorml.load(tmp_path / "model")
    assert type(loaded) is BayesianRegressor and loaded.get_params()["sampler"] == "nutpie"
    _same_predictions(nutpie_model, loaded, X)
    assert loaded.prior_table_ == nutpie_model.prior_table_
    assert loaded.diagnostics_["r_hat_max"] == nutpie_model.diagnostics_["r_hat_max"]
    assert priorml.certify(loaded, X).passed
    # idata_: the posterior group, every parameter by chain (it was missing); the log-likelihood needs the data
    assert set(loaded.idata_.groups()) == {"posterior"}
    post, saved = loaded.idata_.posterior, nutpie_model.idata_.posterior
    assert set(post.data_vars) == set(saved.data_vars) and post.sizes["chain"] == 2 and post.sizes["draw"] == 200
    for name in saved.data_vars:
        np.testing.assert_array_equal(np.asarray(post[name]), np.asarray(saved[name]), err_msg=name)
    loaded.save(tmp_path / "again")  # a loaded model saves again
    np.testing.assert_array_equal(np.asarray(priorml.load(tmp_path / "again").idata_.posterior["g0_rw_tau"]),
                                  np.asarray(saved["g0_rw_tau"]))
    _same_predictions(nutpie_model, pickle.loads(pickle.dumps(nutpie_model)), X)


def test_map_classifier_save_load_keeps_string_classes(data, tmp_path):
    X, _ = data
    y = np.where(X["x"].to_numpy() + 0.3 * X["z"].to_numpy() > 0.5, "b", "a")
    clf = BayesianClassifier(SPEC, method="map", progressbar=False).fit(X, y)
    clf.save(tmp_path / "clf")
    loaded = priorml.load(tmp_path / "clf")
    assert list(loaded.classes_) == ["a", "b"]
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), clf.predict_proba(X))
    sizes = loaded.idata_.posterior.sizes  # a MAP point: one chain of one draw
    assert (sizes["chain"], sizes["draw"]) == (1, 1) and "b0" in loaded.idata_.posterior


# ---------------------------------------------------------------------- refused before sampling
@pytest.mark.parametrize("spec, feature, key, where", [
    ({"features": {"a": {"monotonic": 1}, "b": {}}, "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b"}]},
     "a", "trust", "interactions[trust a by b].trust"),
    ({"output": {"min": 0, "max": 10}, "features": {"a": {"shape": "convex"}, "b": {}}}, "a", "shape", "features.a.shape"),
    ({"features": {"a": {"unimodal": "peak"}, "b": {}}, "priors": {"a": {"effect": [1, 2]}}}, "a", "effect", "priors.a"),
], ids=["trapezoid-trust", "convex-two-bounds", "effect-prior-unimodal"])
def test_unsupported_specs_fail_before_sampling(data, spec, feature, key, where):
    X = data[0].rename(columns={"x": "a", "z": "b"})
    est = BayesianRegressor(spec, sampler="nutpie", **NUTS)
    with pytest.raises(SpecError) as err:
        est.fit(X, data[1])
    (p,) = err.value.problems
    assert (p.feature, p.key, p.where) == (feature, key, where)
    assert where in str(err.value) and p.fix
    assert not hasattr(est, "idata_")


def test_every_refusal_is_reported_at_once(data):
    X = data[0].rename(columns={"x": "a", "z": "b"}).assign(c=data[0]["x"])
    spec = {"output": {"min": 0, "max": 10},
            "features": {"a": {"monotonic": 1}, "b": {"shape": "concave"}, "c": {"unimodal": "valley"}},
            "interactions": [{"trust": "trapezoid", "feature": "a", "by": "c"}], "priors": {"c": {"effect": [0, 1]}}}
    with pytest.raises(SpecError) as err:
        BayesianRegressor(spec, method="map").fit(X, data[1])
    wheres = [p.where for p in err.value.problems]
    assert "features.b.shape" in wheres and "interactions[trust a by c].trust" in wheres and "priors.c" in wheres
    assert wheres.index("features.b.shape") < wheres.index("interactions[trust a by c].trust") < wheres.index("priors.c")


# ---------------------------------------------------------------------- options refused before sampling
@pytest.mark.parametrize("options, runs", [
    ({"sampler": "nutpie"}, "sampler='nutpie'"), ({"sampler": "pymc"}, "sampler='pymc'"),
    ({"method": "map"}, "method='map'"), ({"method": "advi"}, "method='advi'"),
])
def test_gpu_is_refused_where_it_would_be_ignored(data, options, runs):
    est = BayesianRegressor(SPEC, device="gpu", **{**NUTS, **options})
    with pytest.raises(SpecError) as err:
        est.fit(*data)  # these ran on the CPU without a word
    (p,) = err.value.problems
    assert p.where == "device" and runs in p.received and "numpyro" in p.fix
    assert not hasattr(est, "program_")


def test_gpu_without_a_visible_gpu_is_a_clear_error_that_leaves_jax_usable(data):
    from priorml.backends.bayes.sampling import _gpu_visible

    if _gpu_visible():
        pytest.skip("a GPU is visible to JAX here")
    platforms = os.environ.get("JAX_PLATFORMS")
    est = BayesianRegressor(SPEC, sampler="numpyro", device="gpu", **NUTS)
    with pytest.raises(SpecError, match=r"device: expected a GPU visible to JAX") as err:
        est.fit(*data)  # it was a bare AssertionError from JAX, and every later numpyro fit failed too
    assert "device='auto' or 'cpu'" in err.value.problems[0].fix
    assert os.environ.get("JAX_PLATFORMS") == platforms  # no lasting setting
    import jax

    assert jax.numpy.ones(2).sum() == 2.0  # JAX still runs (the numpyro fit with device='cpu' above, too)


def test_tune_zero_is_refused_by_nutpie_and_runs_elsewhere(data):
    from priorml.backends.bayes import check_options

    est = BayesianRegressor(SPEC, sampler="nutpie", **{**NUTS, "tune": 0})
    with pytest.raises(SpecError) as err:
        est.fit(*data)  # it was a Rust panic (a BaseException: error_score could not catch it)
    (p,) = err.value.problems
    assert p.where == "tune" and "sampler='pymc'" in p.fix
    assert check_options(method="nuts", sampler="auto", tune=0, device="auto") == "pymc"
    assert check_options(method="nuts", sampler="auto", tune=1, device="auto") == "nutpie"
    assert check_options(method="advi", sampler="nutpie", tune=0, device="cpu") == "advi"


# ---------------------------------------------------------------------- diagnostics that cannot be computed
def _posterior(values: np.ndarray):
    import arviz as az

    return az.from_dict(posterior={"b0": values, "g0_effect": values[..., None] + np.arange(2)})


@pytest.mark.parametrize("values, undefined", [
    (np.random.default_rng(0).normal(size=(2, 3)), ("r_hat", "effective sample size")),  # 3 draws per chain
    (np.ones((2, 50)), ("r_hat",)),  # chains that never moved
])
def test_undefined_diagnostics_are_a_problem_and_warn(values, undefined):
    from priorml.backends.bayes import diagnose

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.warns(SamplerWarning) as rec:
            d = diagnose(_posterior(values), ["b0", "g0_effect"], "nuts", 2)  # NaN passed every check
    for what in undefined:
        (p,) = [p for p in d["problems"] if p.startswith(f"{what} undefined (NaN)")]
        assert "b0, g0_effect" in p and "increase draws" in p
    assert any("undefined" in str(w.message) for w in rec)
    assert np.isnan(d["r_hat_max"])


# ---------------------------------------------------------------------- output bounds and quiet prior draws
def test_predictive_draws_respect_the_output_bounds(data, caplog):
    from bayes_helpers import prior_model

    X, y = data
    spec = {**SPEC, "output": {"min": 0, "max": 2.5}}
    model = prior_model(spec, X, np.clip(y, 0.1, 2.4), draws=300)
    mean = model.predict(X)
    assert np.all((0 <= mean) & (mean <= 2.5))
    iv = model.predict_interval(X, prob=0.9)
    assert np.all((0 <= iv) & (iv <= 2.5))  # Gaussian noise around the bounded mean crossed them
    assert np.all(iv[:, 0] < iv[:, 1])
    model.progressbar = False
    with caplog.at_level(logging.INFO, logger="pymc"):
        prior = model.prior_predictive(X, draws=200, random_state=0)
    assert np.all((0 <= prior["y"]) & (prior["y"] <= 2.5))
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("pymc")]  # "Sampling: [b0, ...]"
    model.progressbar = True
    with caplog.at_level(logging.INFO, logger="pymc"):
        model.prior_predictive(X.iloc[:3], draws=5, random_state=0)
    assert any("Sampling" in r.getMessage() for r in caplog.records)  # (so the check above could fail)
