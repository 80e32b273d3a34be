"""Calibration: known truths are recovered, intervals cover, elicited priors say what was asked.

Simulated data: ``y = 1 + f_x(x) + f_u(u) + N(0, 0.3^2)`` with ``f_x`` an
increasing logistic curve and ``f_u`` a peak at 0.6, 200 training rows,
NUTS through nutpie (300 draws, 300 tuning steps, 2 chains).

``shape_functions`` reports each effect centred on the training rows (its
mean over them is 0 for every draw), so a true curve is compared after
subtracting its own mean over the training rows.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import priorml
from priorml import SamplerWarning
from priorml.backends.bayes.priors import mass_in_range

from bayes_helpers import prior_model

PRIOR_MC = 4000  # the MC error of a mass is <= 0.008: +-0.02 is 2.5 standard errors


def f_x(x):
    return 2 / (1 + np.exp(-6 * (x - 0.5)))


def f_u(u):
    return -3 * (u - 0.6) ** 2


def simulate(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.uniform(0, 1, n), "u": rng.uniform(0, 1, n)})
    return X, 1 + f_x(X["x"].to_numpy()) + f_u(X["u"].to_numpy()) + rng.normal(0, 0.3, n)


SPEC = {"features": {"x": {"monotonic": "increasing", "keypoints": 8}, "u": {"unimodal": "peak", "keypoints": 8}},
        "priors": {"x": {"effect": [1, 3], "prob": 0.8}}}


@pytest.fixture(scope="module")
def train():
    return simulate(200, 0)


@pytest.fixture(scope="module")
def model(train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)  # 300 draws can miss the strict r_hat/ESS thresholds
        return priorml.BayesianRegressor(SPEC, sampler="nutpie", draws=300, tune=300, chains=2, progressbar=False,
                                         random_state=0).fit(*train)


def test_the_sampler_converged_enough_to_judge_calibration(model):
    d = model.diagnostics_
    assert d["r_hat_max"] < 1.05 and d["ess_bulk_min"] > 80 and d["divergences"] <= 5


@pytest.mark.parametrize("name, truth", [("x", f_x), ("u", f_u)])
def test_true_curves_lie_in_the_90_percent_band(model, train, name, truth):
    X, _ = train
    band = model.shape_functions(grid=50, prob=0.9)[name]
    xs = band["x"].to_numpy(dtype=float)
    centred = truth(xs) - truth(X[name].to_numpy()).mean()  # centred as the model centres its effects
    inside = (band["lower"] <= centred) & (centred <= band["upper"])
    assert inside.mean() >= 0.85, band.assign(truth=centred)[~inside]
    assert (band["upper"] - band["lower"]).mean() < 0.5  # and the band is informative (the effects span 2 and 1.1)
    # without the centring the same band would miss the truth: the comparison can fail
    assert np.mean((band["lower"] <= truth(xs)) & (truth(xs) <= band["upper"])) < 0.85


def test_predictive_intervals_cover_held_out_points(model):
    Xt, yt = simulate(2000, 1)
    for prob, (lo, hi) in ((0.9, (0.85, 0.95)), (0.5, (0.44, 0.56))):
        iv = model.predict_interval(Xt, prob=prob)
        cover = np.mean((iv[:, 0] <= yt) & (yt <= iv[:, 1]))
        assert lo <= cover <= hi, (prob, cover)


# ---------------------------------------------------------------------- priors
def _lognormal(lo, hi, prob):
    z = norm.ppf((1 + prob) / 2)
    return {"mu": (math.log(lo) + math.log(hi)) / 2, "sigma": (math.log(hi) - math.log(lo)) / (2 * z)}


def _record(model, parameter):
    (rec,) = [r for r in model.prior_table_ if r["parameter"] == parameter]
    return rec


def _total_effect_draws(mean_at):
    """Change of the mean function from the smallest to the largest keypoint, per draw."""
    return mean_at[:, 1] - mean_at[:, 0]


def _two_rows(model, X, name):
    kp = model.schema_[name].keypoints
    rows = X.iloc[[0, 0]].reset_index(drop=True)
    rows[name] = [kp[0], kp[-1]]
    return rows


def test_elicited_prior_of_the_fitted_model(model, train):
    X, _ = train
    rec = _record(model, "g0_effect_user")
    assert rec["feature"] == "x" and rec["origin"] == "user" and rec["distribution"] == "LogNormal"
    assert rec["params"] == pytest.approx(_lognormal(1, 3, 0.8), rel=1e-12)  # target units, never rescaled
    assert model.schema_.y_scale != pytest.approx(1.0, abs=0.05)  # (so a rescaling would show)
    assert mass_in_range(rec["distribution"], rec["params"], 1, 3) == pytest.approx(0.8, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prior = model.prior_predictive(_two_rows(model, X, "x"), draws=PRIOR_MC, random_state=0)
    total = _total_effect_draws(prior["mean"])
    assert np.all(total > 0)  # a monotone increasing effect, in every prior draw
    assert np.mean((1 <= total) & (total <= 3)) == pytest.approx(0.8, abs=0.02)


def test_every_kind_of_user_prior_puts_the_requested_mass_in_range():
    rng = np.random.default_rng(4)
    n = 100
    X = pd.DataFrame({n_: rng.uniform(0, 1, n) for n_ in "abcd"})
    y = 10 * (X["a"] * -2 + X["b"] + np.sin(3 * X["c"]) + X["d"]).to_numpy() + rng.normal(0, 3, n)
    spec = {"features": {"a": {"monotonic": "decreasing", "keypoints": 5}, "b": {"monotonic": "increasing", "keypoints": 4},
                         "c": {"keypoints": 6}, "d": {"monotonic": "increasing", "keypoints": 3}},
            "priors": {"a": {"effect": [-30, -10], "prob": 0.9}, "b": {"effect": [0, 20], "prob": 0.7},
                       "c": {"effect": [-10, 20], "prob": 0.8}, "noise": {"scale": 5}, "intercept": {"mean": 3, "sd": 2}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC)
    assert model.schema_.y_scale > 5  # far from 1: a rescaled user prior could not pass
    z = lambda p: norm.ppf((1 + p) / 2)  # noqa: E731
    expected = {
        "a": ("g0_effect_user", "LogNormal", _lognormal(10, 30, 0.9), (-30, -10), (10, 30), 0.9),
        "b": ("g1_effect_user", "HalfNormal", {"sigma": 20 / z(0.7)}, (0, 20), (0, 20), 0.7),
        "c": ("g2_effect_user", "Normal", {"mu": 5.0, "sigma": 15 / z(0.8)}, (-10, 20), (-10, 20), 0.8),
    }
    for name, (param, dist, params, (lo, hi), (mlo, mhi), prob) in expected.items():
        rec = _record(model, param)
        assert (rec["feature"], rec["distribution"], rec["origin"]) == (name, dist, "user")
        assert rec["params"] == pytest.approx(params, rel=1e-12)
        assert mass_in_range(dist, rec["params"], mlo, mhi) == pytest.approx(prob, abs=1e-9)
        total = _total_effect_draws(model.predict_draws(_two_rows(model, X, name)))  # target units
        assert np.mean((lo <= total) & (total <= hi)) == pytest.approx(prob, abs=0.02), name
    # noise and intercept: recorded as given, and drawn in target units
    assert _record(model, "noise") | {"note": ""} == {"parameter": "noise", "feature": None, "distribution": "HalfNormal",
                                                       "params": {"sigma": 5}, "origin": "user", "note": ""}
    assert _record(model, "intercept")["params"] == {"mu": 3, "sigma": 2}
    assert _record(model, "intercept")["origin"] == "user"
    sigma_target = model.program_.draws["sigma"] * model.schema_.y_scale
    assert np.median(sigma_target) == pytest.approx(5 * norm.ppf(0.75), rel=0.05)
    b0_target = model.schema_.unscale_y(model.program_.draws["b0"])
    assert b0_target.mean() == pytest.approx(3, abs=0.12) and b0_target.std() == pytest.approx(2, rel=0.05)
    # what the user did not state is a weakly informative default, on the standardised scale
    d = _record(model, "g3_effect")
    assert (d["feature"], d["distribution"], d["origin"]) == ("d", "LogNormal", "scaled")
    assert "standardised target" in d["note"]
    origins = {r["parameter"]: r["origin"] for r in model.prior_table_}
    assert all(origins[p] == "default" for p in origins if p.endswith("_tau"))
    assert set(origins.values()) <= {"user", "scaled", "default"}


@pytest.mark.parametrize("given, effect_scale", [(None, 2.0), (0.5, 0.5)])
def test_effect_scale_sets_the_default_effect_priors_only(given, effect_scale):
    rng = np.random.default_rng(5)
    n = 80
    X = pd.DataFrame({n_: rng.uniform(0, 1, n) for n_ in "abc"})
    y = 10 * (X["a"] + np.sin(3 * X["b"]) + X["c"]).to_numpy() + rng.normal(0, 3, n)
    spec = {"features": {"a": {"monotonic": "increasing", "keypoints": 4}, "b": {"keypoints": 5},
                         "c": {"monotonic": "increasing", "keypoints": 3}},
            "priors": {"c": {"effect": [5, 15], "prob": 0.9}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC, effect_scale=given)
    mono, free, user = _record(model, "g0_effect"), _record(model, "g1_effect"), _record(model, "g2_effect_user")
    assert mono["params"] == pytest.approx({"mu": math.log(effect_scale), "sigma": 1.0})
    assert free["params"] == pytest.approx({"mu": 0.0, "sigma": 2 * effect_scale})
    assert user["params"] == pytest.approx(_lognormal(5, 15, 0.9), rel=1e-12)  # a user prior ignores effect_scale
    # in the draws: the median size of a default total effect, in standard deviations of the target
    for name, median in (("a", effect_scale), ("b", 2 * effect_scale * norm.ppf(0.75))):
        total = _total_effect_draws(model.predict_draws(_two_rows(model, X, name))) / model.schema_.y_scale
        assert np.median(np.abs(total)) == pytest.approx(median, rel=0.08), name
    total_c = _total_effect_draws(model.predict_draws(_two_rows(model, X, "c")))
    assert np.mean((5 <= total_c) & (total_c <= 15)) == pytest.approx(0.9, abs=0.02)


def test_classifier_default_effect_scale_is_in_logits():
    from priorml.backends.bayes.model import default_effect_scale

    rng = np.random.default_rng(6)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 60), "b": rng.uniform(0, 1, 60)})
    y = (X["a"] + rng.normal(0, 0.3, 60) > 0.5).astype(int).to_numpy()
    spec = {"task": "classification", "features": {"a": {"monotonic": "increasing"}, "b": {}}}
    model = prior_model(spec, X, y, likelihood="bernoulli", draws=50)
    scale = default_effect_scale("bernoulli")
    assert scale != default_effect_scale("gaussian")
    # a classifier's default learns the shared level, whose prior median is the classification scale
    assert _record(model, "effect_level")["params"] == pytest.approx({"mu": math.log(scale), "sigma": 1.0})
    assert _record(model, "g0_effect")["params"] == pytest.approx({"mu": math.log(scale), "sigma": math.sqrt(2)})
    assert _record(model, "g1_effect")["params"] == pytest.approx({"mu": 0.0, "sigma": 2 * scale})
    assert "logit" in _record(model, "g0_effect")["note"]
    assert "hierarchical" in _record(model, "g1_effect")["note"]
    fixed = prior_model(spec, X, y, likelihood="bernoulli", draws=50, effect_scale=scale)
    assert _record(fixed, "g0_effect")["params"] == pytest.approx({"mu": math.log(scale), "sigma": 1.0})
    assert not [r for r in fixed.prior_table_ if r["parameter"] == "effect_level"]


def test_default_priors_are_scaled_or_default(model):
    by_param = {r["parameter"]: r for r in model.prior_table_}
    assert by_param["intercept"]["origin"] == "scaled" and by_param["noise"]["origin"] == "scaled"
    assert by_param["g1_amplitude"]["origin"] == "scaled"  # u: unimodal, no user prior
    assert by_param["g1_mode"]["origin"] == "default" and by_param["g1_rw_tau"]["origin"] == "default"
    assert [r["origin"] for r in model.prior_table_ if r["feature"] == "x"] == ["user", "default"]


def test_learned_effect_scale_shares_one_level_between_default_effects():
    rng = np.random.default_rng(7)
    n = 80
    X = pd.DataFrame({n_: rng.uniform(0, 1, n) for n_ in "abcd"})
    y = 10 * (X["a"] + X["b"] + np.sin(3 * X["c"]) + X["d"]).to_numpy() + rng.normal(0, 3, n)
    spec = {"features": {"a": {"monotonic": "increasing", "keypoints": 4}, "b": {"monotonic": "increasing"},
                         "c": {"keypoints": 5}, "d": {"monotonic": "increasing", "keypoints": 3}},
            "priors": {"d": {"effect": [5, 15], "prob": 0.9}}}
    model = prior_model(spec, X, y, draws=PRIOR_MC, effect_scale="learn")
    base = math.log(2.0)  # the regression default is the level's prior median
    level = _record(model, "effect_level")
    assert (level["distribution"], level["params"], level["origin"]) == ("Normal", pytest.approx({"mu": base, "sigma": 1}),
                                                                          "scaled")
    # each default monotone effect is recorded by its marginal: log-normal, log-sd sqrt(1 + 1)
    assert _record(model, "g0_effect")["params"] == pytest.approx({"mu": base, "sigma": math.sqrt(2)})
    assert "hierarchical" in _record(model, "g0_effect")["note"]
    assert _record(model, "g3_effect_user")["params"] == pytest.approx(_lognormal(5, 15, 0.9), rel=1e-12)
    log_total = {name: np.log(np.abs(_total_effect_draws(model.predict_draws(_two_rows(model, X, name)))
                                     / model.schema_.y_scale)) for name in "ab"}
    for v in log_total.values():  # marginal median 2 and log-sd sqrt(2), in sd of the target
        assert np.median(v) == pytest.approx(base, abs=0.1) and np.std(v) == pytest.approx(math.sqrt(2), rel=0.06)
    # the two default effects share the level: corr(log |a|, log |b|) = 1 / (1 + 1); independent would be 0
    assert np.corrcoef(log_total["a"], log_total["b"])[0, 1] == pytest.approx(0.5, abs=0.05)
    # a user prior does not depend on the level
    total_d = _total_effect_draws(model.predict_draws(_two_rows(model, X, "d")))
    assert abs(np.corrcoef(np.log(total_d), log_total["a"])[0, 1]) < 0.05
    assert np.mean((5 <= total_d) & (total_d <= 15)) == pytest.approx(0.9, abs=0.02)


def test_learned_effect_scale_follows_the_data():
    """Six monotone features, only one with an effect: the learned level falls well below its prior
    median, which shrinks the null effects harder than the fixed default does."""
    rng = np.random.default_rng(8)
    n = 150
    X = pd.DataFrame({f"x{i}": rng.uniform(0, 1, n) for i in range(6)})
    y = 3 * X["x0"].to_numpy() + rng.normal(0, 0.5, n)
    spec = {"features": {f"x{i}": {"monotonic": "increasing", "keypoints": 4} for i in range(6)}}
    fits = {}
    for scale in ("learn", None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SamplerWarning)
            fits[scale] = priorml.BayesianRegressor(spec, effect_scale=scale, draws=300, tune=300, chains=2,
                                                   progressbar=False, random_state=1).fit(X, y)
    level = fits["learn"].idata_.posterior["effect_level"].values
    assert np.exp(np.median(level)) < 1.0  # prior median 2 sd of the target
    null = X.iloc[[0, 0]].reset_index(drop=True)
    null["x3"] = [0.0, 1.0]
    spread = {k: np.median(np.abs(_total_effect_draws(m.predict_draws(null)))) for k, m in fits.items()}
    assert spread["learn"] < spread[None]


# ---------------------------------------------------------------------- priors that depend on the likelihood
def _counts_and_classes(n: int = 80, seed: int = 9):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    counts = rng.poisson(50, n)  # a mean rate of 50: the scaled intercept prior is about log 50
    classes = (X["a"] + rng.normal(0, 0.3, n) > 0.5).astype(int).to_numpy()
    return X, counts, classes


@pytest.mark.parametrize("likelihood", ["poisson", "bernoulli"])
def test_prior_predictive_uses_the_priors_of_the_fit(likelihood, monkeypatch):
    """The intercept's default prior is scaled to the training target (log mean count, logit of the
    class share); prior_predictive once rebuilt the model with y = 0 and drew from log 0.1 / logit 0.02."""
    from priorml.backends import bayes

    X, counts, classes = _counts_and_classes()
    y = counts if likelihood == "poisson" else classes
    spec = {"features": {"a": {"keypoints": 4}, "b": {"keypoints": 4}}}
    model = prior_model(spec, X, y, likelihood=likelihood, draws=50)
    fitted = _record(model, "intercept")
    assert fitted["origin"] == "scaled"
    built = []
    original = bayes.build_model
    monkeypatch.setattr(bayes, "build_model", lambda *a, **k: built.append(original(*a, **k)) or built[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prior = model.prior_predictive(X, draws=PRIOR_MC, random_state=1)
    (used,) = [r.to_dict() for r in built[0].records if r.parameter == "intercept"]
    assert used == fitted
    # and in the draws: the typical prediction is the training target's level
    if likelihood == "poisson":
        assert 25 < np.median(prior["mean"]) < 100  # 50; it was 0.1
    else:
        assert np.mean(prior["mean"]) == pytest.approx(np.mean(classes), abs=0.06)  # it was 0.27


def test_unimodal_default_prior_is_the_size_of_the_other_effects():
    """The unimodal slopes are normalised like the monotone ones: the amplitude is the effect's size
    (rise plus fall at most), not a factor that the random walk multiplies by up to e^(+-8)."""
    from priorml.backends.bayes.design import unit_widths

    rng = np.random.default_rng(10)
    n = 80
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "d": rng.uniform(0, 1, n)})
    y = X["a"].to_numpy() - (X["d"].to_numpy() - 0.5) ** 2 + rng.normal(0, 0.3, n)
    spec = {"features": {"a": {"monotonic": "increasing"}, "d": {"unimodal": "peak"}}}
    model = prior_model(spec, X, y, draws=2000)
    sizes = {}
    for j, name in enumerate("ad"):
        v = model.program_.draws[model.program_.terms[j].name]  # vertex values, sd of y
        sizes[name] = np.abs(np.diff(v, axis=1)).sum(axis=1)  # total variation
        assert unit_widths(model.program_.terms[j].knots[0]).size == v.shape[1] - 1
    # both: a log-normal with median 2 sd of y (the unimodal's variation at most that): q99 about 20
    assert np.quantile(sizes["d"], 0.99) < 1.2 * np.quantile(sizes["a"], 0.99) < 40  # it was about 4,000
    assert np.all(np.isfinite(sizes["d"])) and sizes["d"].max() < 500  # it was 2e8
    assert np.median(sizes["d"]) > 0.3  # and not flat
    for likelihood, target in (("poisson", rng.poisson(5, n)), ("lognormal", np.exp(y))):
        m = prior_model(spec, X, target, likelihood=likelihood, draws=300)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            draws = m.prior_predictive(X, draws=1000, random_state=2)  # poisson: "lam value too large" once
        assert np.all(np.isfinite(draws["mean"])) and np.all(np.isfinite(draws["y"])), likelihood


@pytest.mark.parametrize("likelihood, mean, sd, link", [
    ("bernoulli", 0.3, 0.05, lambda m: math.log(m / (1 - m))),
    ("poisson", 40.0, 4.0, math.log),
])
def test_user_intercept_prior_of_a_classifier_or_poisson_model_is_applied(likelihood, mean, sd, link):
    X, counts, classes = _counts_and_classes()
    y = counts if likelihood == "poisson" else classes
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}, "priors": {"intercept": {"mean": mean, "sd": sd}}}
    model = prior_model(spec, X, y, likelihood=likelihood, draws=PRIOR_MC)
    rec = _record(model, "intercept")
    slope = mean * (1 - mean) if likelihood == "bernoulli" else mean  # the link's derivative at the mean
    assert rec["origin"] == "user" and "first order" in rec["note"]
    assert rec["params"] == pytest.approx({"mu": link(mean), "sigma": sd / slope})
    b0 = model.program_.draws["b0"]  # on the link scale
    assert b0.mean() == pytest.approx(link(mean), abs=0.05 * sd / slope + 0.01)
    assert b0.std() == pytest.approx(sd / slope, rel=0.05)


@pytest.mark.parametrize("likelihood, priors, where", [
    ("bernoulli", {"intercept": {"mean": 5.0, "sd": 0.1}}, "priors.intercept.mean"),
    ("poisson", {"intercept": {"mean": -1.0, "sd": 0.1}}, "priors.intercept.mean"),
    ("poisson", {"noise": {"scale": 0.01}}, "priors.noise"),
])
def test_user_priors_a_likelihood_cannot_use_are_refused(likelihood, priors, where):
    from priorml.backends.bayes import verify_spec

    spec = priorml.Spec.from_dict({"features": {"a": {}}, "priors": priors})
    with pytest.raises(priorml.SpecError) as err:
        verify_spec(spec, likelihood)  # it was dropped silently
    (p,) = err.value.problems
    assert p.where == where and p.fix


@pytest.mark.parametrize("likelihood, output, unit", [
    ("gaussian", None, "target units; P"),
    ("gaussian", {"min": 0, "max": 60}, "linear predictor inside the output bounds' link"),
    ("bernoulli", None, "logits (the linear predictor"),
    ("poisson", None, "log-rate (the linear predictor"),
])
def test_effect_prior_records_the_scale_it_is_on(likelihood, output, unit):
    """A user's effect prior constrains the change of the linear predictor: the prediction's change
    only without a curved link. The prior table says which (it said "target units" for all)."""
    X, counts, classes = _counts_and_classes()
    y = {"poisson": counts, "bernoulli": classes}.get(likelihood, 60 * (1 - X["a"].to_numpy()) * 0.5)
    spec = {"features": {"a": {"monotonic": "decreasing"}, "b": {}}, "priors": {"a": {"effect": [-2, -1], "prob": 0.9}}}
    if output:
        spec["output"] = output
    model = prior_model(spec, X, y, likelihood=likelihood, draws=10)
    note = _record(model, "g0_effect_user")["note"]
    assert unit in note
    assert ("approximate" in note) == (output is not None)


# ---------------------------------------------------------------------- intercept priors through a curved link
def _near_a_bound(n: int = 80, seed: int = 12):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n)})
    return X, 95 + 3 * X["a"].to_numpy() + rng.normal(0, 1, n)


@pytest.mark.parametrize("likelihood", ["gaussian", "student_t"])
@pytest.mark.parametrize("output", [{"min": 0, "max": 100}, {"max": 100}, {"min": 90}], ids=["both", "max", "min"])
def test_intercept_prior_with_output_bounds_is_on_the_mean_prediction(likelihood, output):
    """With output bounds the prediction is the linear predictor through a sigmoid/softplus link.
    The intercept prior is on the mean prediction (target units): it was put on the linear predictor
    unchanged, so that with bounds [0, 100] a prior N(97, 0.5) gave predictions N(86.8, 0.23)."""
    from priorml.backends.bayes.model import apply_link

    X, y = _near_a_bound()
    spec = {"output": output, "features": {"a": {"monotonic": "increasing"}},
            "priors": {"intercept": {"mean": 97, "sd": 0.5}}}
    model = prior_model(spec, X, y, likelihood=likelihood, draws=PRIOR_MC)
    rec = _record(model, "intercept")
    assert rec["origin"] == "user" and "first order" in rec["note"] and "link" in rec["note"]
    # the prediction where every (centred) effect is 0, per prior draw
    at_b0 = model.schema_.unscale_y(apply_link(model.program_.draws["b0"], model.program_.link))
    assert np.all((at_b0 >= output.get("min", -np.inf)) & (at_b0 <= output.get("max", np.inf)))
    assert np.median(at_b0) == pytest.approx(97, abs=0.03)
    assert at_b0.std() == pytest.approx(0.5, rel=0.1)


@pytest.mark.parametrize("mean", [100.0, 120.0, -5.0], ids=["at-a-bound", "above", "below"])
def test_intercept_prior_outside_the_output_bounds_is_refused(mean):
    from priorml.backends.bayes import verify_spec

    spec = priorml.Spec.from_dict({"output": {"min": 0, "max": 100}, "features": {"a": {}},
                                   "priors": {"intercept": {"mean": mean, "sd": 1}}})
    with pytest.raises(priorml.SpecError) as err:
        verify_spec(spec, "gaussian")  # it was accepted, and the prediction could never reach it
    (p,) = err.value.problems
    assert (p.where, p.key) == ("priors.intercept.mean", "mean") and "(0.0, 100.0)" in p.expected and p.fix
    verify_spec(spec.replace(output={"min": -10.0, "max": 200.0}), "gaussian")  # inside wider bounds: accepted


def test_lognormal_intercept_prior_is_on_the_mean_not_the_median():
    """``predict`` of a lognormal model is the mean ``exp(mu + s^2 / 2)``, and the intercept prior is on
    the mean prediction: it was put on ``exp(mu)``, the median, so with a noise sd of about 1 on the
    log scale the prior mean prediction was about 1.6 times the one asked for."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 200)})
    y = np.exp(np.log(50) + 0.3 * X["a"].to_numpy() + rng.normal(0, 1.0, 200))
    spec = {"features": {"a": {"monotonic": "increasing"}}, "priors": {"intercept": {"mean": 80, "sd": 2}}}
    model = prior_model(spec, X, y, likelihood="lognormal", draws=PRIOR_MC)
    rec = _record(model, "intercept")
    assert rec["params"] == pytest.approx({"mu": math.log(80), "sigma": 2 / 80}) and "sigma^2 / 2" in rec["note"]
    s = model.schema_.y_scale * model.program_.draws["sigma"]  # noise sd on the log scale, per draw
    mean_at_b0 = np.exp(model.schema_.unscale_y(model.program_.draws["b0"]) + 0.5 * s ** 2)
    assert np.median(mean_at_b0) == pytest.approx(80, abs=0.15)
    assert mean_at_b0.std() == pytest.approx(2, rel=0.1)
