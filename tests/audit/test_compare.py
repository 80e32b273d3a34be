"""priorml.compare / learning_curve / build_models: protocol, metrics, paired intervals, errors.

Only one fixture fits the lattice (3 folds, calibrated linear, 20 epochs); every other test uses
the cheap scikit-learn baselines or small estimators passed as (name, kind, estimator).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, LeaveOneOut
from sklearn.pipeline import Pipeline

import priorml
from priorml.audit._cv import nested_order, resolve_cv
from priorml.audit.compare import SpecEncoder, build_models
from priorml.errors import PriorMLError, SpecError

#: fast lattice: no validation split, full batches (40 training rows per fold), few epochs
LATTICE = {"model": "linear", "epochs": 20, "validation_fraction": 0.0, "learning_rate": 0.05, "batch_size": 20}
CHEAP = ["linear", "hist_gradient_boosting", "hgb_monotone"]


def _regression(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n),
                      "g": rng.choice(["low", "mid", "high"], n)})
    y = 3 * X["a"].to_numpy() ** 2 - 2 * X["b"].to_numpy() + 0.5 * (X["g"] == "high") + rng.normal(0, 0.3, n)
    return X, y


REG_SPEC = {"features": {"a": {"monotonic": "increasing", "shape": "convex"}, "b": {"monotonic": "decreasing"},
                         "g": {"type": "categorical", "order": ["low", "mid", "high"]}}}


def _binary(n: int, seed: int = 1, share: float | None = None):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    if share is None:
        p = 1 / (1 + np.exp(-6 * (X["a"].to_numpy() - X["b"].to_numpy())))
        y = np.where(rng.uniform(size=n) < p, "sick", "well")
    else:
        y = np.array(["sick"] * int(share * n) + ["well"] * (n - int(share * n)))
    return X, y


CLF_SPEC = {"task": "classification", "features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}}}


def _mono_linear(spec):
    """A cheap constrained model: non-negative least squares on the spec's encoding (for learning curves)."""
    spec = priorml.Spec.from_dict(spec)
    return Pipeline([("encode", SpecEncoder(spec, categorical="onehot")), ("model", LinearRegression(positive=True))])


@pytest.fixture(scope="module")
def reg():
    X, y = _regression(60)
    X0 = X.copy()
    res = priorml.compare(REG_SPEC, X, y, cv=3, lattice_params=LATTICE, random_state=0)
    pd.testing.assert_frame_equal(X, X0)  # the user's data are not modified
    return X, y, res


# ---------------------------------------------------------------------- regression with the lattice
def test_table_has_every_model_and_metric(reg):
    X, y, res = reg
    t = res.table
    assert list(t["model"]) == ["lattice", "random_forest", "hist_gradient_boosting", "linear", "hgb_monotone"]
    assert dict(zip(t["model"], t["kind"])) == {"lattice": "constrained", "random_forest": "baseline",
                                                "hist_gradient_boosting": "baseline", "linear": "baseline",
                                                "hgb_monotone": "peer"}
    for m in ("rmse", "mae", "r2"):
        assert np.isfinite(t[f"{m}_mean"]).all() and np.isfinite(t[f"{m}_sd"]).all()
    assert res.primary_metric == "rmse"
    assert len(res.folds) == 5 * 3 and set(res.folds["n_test"]) == {20}
    # the lattice learnt the signal: far better than predicting the mean (RMSE = sd of y)
    lattice = t.set_index("model").loc["lattice"]
    assert lattice["rmse_mean"] < 0.6 * np.std(y) and lattice["r2_mean"] > 0.5


def test_best_baseline_and_paired_interval_match_the_folds(reg):
    _, _, res = reg
    t = res.table.set_index("model")
    baselines = t[t["kind"] == "baseline"]
    assert res.best_baseline == baselines["rmse_mean"].idxmin()
    assert t.loc[res.best_baseline, "verdict"] == "best baseline"
    assert np.isnan(t.loc[res.best_baseline, "diff_vs_best_baseline"])
    per = res.folds.pivot(index="split", columns="model", values="rmse")
    J, ratio = len(per), 20 / 40  # 3 folds: n_test / n_train = 1 / (k - 1)
    for name in ("lattice", "random_forest", "linear", "hgb_monotone", "hist_gradient_boosting"):
        if name == res.best_baseline:
            continue
        d = (per[name] - per[res.best_baseline]).to_numpy()
        row = t.loc[name]
        assert row["diff_vs_best_baseline"] == pytest.approx(d.mean(), abs=1e-12)
        assert row["diff_ci_low"] <= row["diff_vs_best_baseline"] <= row["diff_ci_high"]
        half = stats.t.ppf(0.975, J - 1) * np.sqrt((1 / J + ratio) * d.var(ddof=1))
        assert row["diff_ci_high"] - row["diff_ci_low"] == pytest.approx(2 * half, rel=1e-9)
        if (d < 0).all() or (d > 0).all():
            assert np.sign(row["diff_vs_best_baseline"]) == np.sign(d[0])
        expected = ("better" if row["diff_ci_high"] < 0 else "worse" if row["diff_ci_low"] > 0
                    else "no clear difference")
        assert row["verdict"] == expected


def test_result_is_json_plot_and_text(reg):
    from matplotlib.figure import Figure

    _, _, res = reg
    d = json.loads(json.dumps(res.to_dict()))
    assert d["primary_metric"] == "rmse" and d["lower_is_better"] is True
    assert [r["model"] for r in d["table"]] == list(res.table["model"])
    assert any(r["diff_ci_low"] is None for r in d["table"])  # NaN of the best baseline -> None
    assert d["protocol"]["n_splits"] == 3
    assert isinstance(res.plot(), Figure)
    text = str(res)
    assert "lattice" in text and "best baseline" in text and "Nadeau-Bengio" in text
    assert "categories of 'g'" not in text  # order lists every level: nothing read from the data


# ---------------------------------------------------------------------- protocols
def test_small_n_uses_leave_one_out_with_pooled_metrics():
    X, y = _binary(30)
    res = priorml.compare(CLF_SPEC, X, y, models=["linear", ("prior", DummyClassifier()), "hgb_monotone"])
    assert res.protocol["name"] == "loo" and res.protocol["pooled"] and res.protocol["n_splits"] == 30
    assert set(res.folds["n_test"]) == {1}
    # every row predicted exactly once per model
    for _, sub in res.predictions.groupby("model"):
        assert sorted(sub["row"]) == list(range(30))
    t = res.table.set_index("model")
    assert t.loc["prior", "kind"] == "baseline"
    assert np.isfinite(t["roc_auc_mean"]).all() and t["roc_auc_sd"].isna().all()
    # pooled metric = metric of the pooled out-of-fold probabilities
    lin = res.predictions[res.predictions["model"] == "linear"].sort_values("row")
    codes = (lin["y_true"] == "well").to_numpy(dtype=float)  # positive class = larger label
    p = np.clip(lin["prediction"].to_numpy(), 1e-15, 1 - 1e-15)
    assert t.loc["linear", "log_loss_mean"] == pytest.approx(-np.mean(codes * np.log(p) + (1 - codes) * np.log(1 - p)))
    assert t.loc["linear", "accuracy_mean"] == pytest.approx(np.mean((p > 0.5) == codes))
    other = [m for m in t.index if m != res.best_baseline]
    for m in other:
        assert t.loc[m, "diff_ci_low"] <= t.loc[m, "diff_vs_best_baseline"] <= t.loc[m, "diff_ci_high"]
    assert "bootstrap" in str(res)


def test_default_protocol_is_stratified_repeated_kfold():
    X, y = _binary(80, share=0.2)  # 16 sick, 64 well
    res = priorml.compare(CLF_SPEC, X, y, models=["linear", ("prior", DummyClassifier())])
    assert res.protocol["name"] == "repeated_kfold" and res.protocol["n_splits"] == 10
    assert res.protocol["n_repeats"] == 2
    preds = res.predictions[res.predictions["model"] == "linear"]
    for _, fold in preds.groupby("split"):
        assert len(fold) == 16 and (fold["y_true"] == "sick").sum() in (3, 4)  # 16/5 sick per test fold
    assert np.isfinite(res.table["roc_auc_mean"]).all()
    # the two repeats are different partitions
    s0 = set(preds[preds["split"] == 0]["row"])
    assert all(s0 != set(preds[preds["split"] == s]["row"]) for s in range(5, 10))


def test_custom_splitters_and_int_cv():
    X, y = _regression(40)
    res = priorml.compare(REG_SPEC, X, y, models=CHEAP, cv=KFold(4, shuffle=True, random_state=1))
    assert res.protocol["name"] == "KFold" and not res.protocol["pooled"] and len(res.folds) == 12
    loo = priorml.compare(REG_SPEC, X[:12], y[:12], models=["linear", ("mean", DummyRegressor())], cv=LeaveOneOut())
    assert loo.protocol["pooled"] and loo.table["rmse_sd"].isna().all()
    assert np.isfinite(loo.table.set_index("model").loc["linear", "diff_vs_best_baseline"]) or loo.best_baseline == "linear"
    kf = priorml.compare(REG_SPEC, X, y, models=["linear"], cv=5)
    assert kf.protocol["n_splits"] == 5 and kf.best_baseline == "linear"


def test_same_random_state_same_table_and_other_seed_other_splits():
    X, y = _regression(50)
    models = ["random_forest", "hgb_monotone"]
    a = priorml.compare(REG_SPEC, X, y, models=models, cv=2, random_state=3)
    b = priorml.compare(REG_SPEC, X, y, models=models, cv=2, random_state=3)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    pd.testing.assert_frame_equal(a.folds.drop(columns="fit_seconds"), b.folds.drop(columns="fit_seconds"),
                                  check_exact=True)
    # another random_state moves the splits
    p3, p4 = resolve_cv(3, None, y, None, 3), resolve_cv(3, None, y, None, 4)
    assert not all(np.array_equal(s.test, t.test) for s, t in zip(p3.splits, p4.splits))


def test_categories_only_in_a_test_fold_and_classification_labels_of_any_type():
    X, y = _binary(60)
    X = X.assign(site=np.where(np.arange(60) == 7, "rare", np.where(np.arange(60) % 2, "north", "south")))
    spec = {"task": "classification", "features": {"a": {"monotonic": "increasing"}, "b": {}, "site": {"type": "categorical"}}}
    codes = np.where(y == "sick", 10, 20)  # integer labels: positive class 20
    res = priorml.compare(spec, X, codes, models=CHEAP, cv=3)
    assert any("categories of 'site'" in n for n in res.notes)
    assert np.isfinite(res.table["log_loss_mean"]).all()
    hgbm = build_models(spec, ["hgb_monotone"])[0][2]
    assert list(hgbm.named_steps["model"].monotonic_cst) == [1, 0, 0]
    assert list(hgbm.named_steps["model"].categorical_features) == [False, False, True]


def test_progress_bar(capsys):
    X, y = _regression(30)
    priorml.compare(REG_SPEC, X, y, models=["linear"], cv=3, progress=True)
    assert "3/3" in capsys.readouterr().err


# ---------------------------------------------------------------------- learning curves
def test_learning_curve_rows_sizes_and_summary():
    from matplotlib.figure import Figure

    X, y = _regression(90)
    models = [("mono", "constrained", _mono_linear(REG_SPEC)), "linear", "hist_gradient_boosting"]
    lc = priorml.learning_curve(REG_SPEC, X, y, sizes=(10, 30, 0.5, 1.0, 500), models=models, cv=3)
    # smallest training part: 60 rows; 0.5 -> 30 (same as 30), 500 clipped to 60 (same as 1.0)
    assert sorted(set(lc.table["n_train"])) == [10, 30, 60]
    assert len(lc.table) == 3 * 3 and len(lc.folds) == 3 * 3 * 3
    assert list(lc.table["size"][::3]) == [10, 30, 1.0]
    assert any("clipped to 60" in n for n in lc.notes) and any("fitted once" in n for n in lc.notes)
    assert (lc.folds["n_train"] == [{10: 10, 30: 30, 1.0: 60}[s] for s in lc.folds["size"]]).all()
    assert len(lc.payoff) == 3 and set(lc.payoff["best_constrained"]) == {"mono"}
    for _, r in lc.payoff.iterrows():
        assert r["ci_low"] <= r["diff"] <= r["ci_high"]
        assert r["verdict"] == ("better" if r["ci_high"] < 0 else "worse" if r["ci_low"] > 0 else "no clear difference")
    text = lc.summary()
    assert all(f"n_train = {n}" in text for n in (10, 30, 60))
    # error falls with more data for every model
    wide = lc.table.pivot(index="n_train", columns="model", values="rmse_mean")
    assert (wide.loc[60] < wide.loc[10]).all()
    json.dumps(lc.to_dict())
    assert isinstance(lc.plot(), Figure)
    assert "mono" in str(lc)


def test_learning_curve_says_whether_more_data_would_help():
    """Trees that cannot split 20 rows improve a lot by 160; a line fitted to a line is flat within noise."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    rng = np.random.default_rng(4)
    X = pd.DataFrame({"x": rng.uniform(0, 1, 200)})
    y = 3 * X["x"].to_numpy() + rng.normal(0, 0.1, 200)
    spec = {"features": {"x": {"monotonic": "increasing"}}}
    trees = HistGradientBoostingRegressor(max_iter=50, random_state=0)
    lc = priorml.learning_curve(spec, X, y, sizes=(20, 1.0), models=[("trees", "constrained", trees), "linear"])
    md = lc.more_data.set_index("model")
    assert list(md.index) == ["trees", "linear"]
    assert (md["from_n_train"] == 20).all() and (md["to_n_train"] == 160).all()
    assert md.loc["trees", "trend"] == "still improving" and md.loc["trees", "ci_high"] < 0
    assert md.loc["linear", "trend"] == "flat within noise"
    assert md.loc["linear", "ci_low"] < 0 < md.loc["linear", "ci_high"]
    for name in ("trees", "linear"):  # the change is paired by split: the mean of the per-split changes
        wide = lc.folds[lc.folds["model"] == name].pivot(index="split", columns="n_train", values="rmse")
        assert md.loc[name, "change"] == pytest.approx((wide[160] - wide[20]).mean())
        assert md.loc[name, "from_value"] == pytest.approx(wide[20].mean())
    text = lc.summary()
    assert "trees (constrained)" in text and "error still falling at the largest size: more data likely helps" in text
    assert "linear (baseline)" in text and "flat within noise" in text
    d = json.loads(json.dumps(lc.to_dict()))
    assert [r["trend"] for r in d["more_data"]] == ["still improving", "flat within noise"]
    # leave-one-out: pooled predictions, paired bootstrap interval; a single size: nothing to compare
    X30, y30 = X.iloc[:30], y[:30]
    loo = priorml.learning_curve(spec, X30, y30, sizes=(8, 1.0), models=["linear"])
    assert loo.protocol["pooled"] and np.isfinite(loo.more_data[["ci_low", "ci_high"]].to_numpy(dtype=float)).all()
    one = priorml.learning_curve(spec, X30, y30, sizes=(1.0,), models=["linear"])
    assert one.more_data.empty and "only one training size" in one.summary()


def test_learning_curve_sizes_from_a_range_an_array_or_a_series():
    X, y = _regression(60)
    for sizes in (range(10, 40, 10), pd.Series([10, 20, 30]), np.array([10, 20, 30])):
        lc = priorml.learning_curve(REG_SPEC, X, y, sizes=sizes, models=["linear"], cv=3)
        assert sorted(set(lc.table["n_train"])) == [10, 20, 30]
        assert all(type(s) is int for s in lc.payoff["size"])
    for bad in ({10, 20}, "10", {"a": 10}):
        with pytest.raises(SpecError, match="sizes"):
            priorml.learning_curve(REG_SPEC, X, y, sizes=bad, models=["linear"], cv=3)


def test_nested_order_is_nested_and_stratified():
    rng = np.random.default_rng(0)
    codes = (rng.uniform(size=200) < 0.15).astype(int)
    train = np.arange(200)
    order = nested_order(train, codes, seed=5)
    assert sorted(order) == list(range(200))
    assert set(codes[order[:2]]) == {0, 1}  # both classes in every prefix of 2 or more
    for k in (20, 50, 100):
        share = codes[order[:k]].mean()
        assert abs(share - codes.mean()) <= 2 / k + 0.02
    assert not np.array_equal(order, nested_order(train, codes, seed=6))


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize("kwargs, words", [
    ({"models": ["random_forrest"]}, ["models[0]", "Did you mean 'random_forest'"]),
    ({"models": ["linear", "linear"]}, ["distinct model names"]),
    ({"models": []}, ["models"]),
    ({"cv": 100}, ["at most 30 folds", "cv='loo'"]),
    ({"cv": 1}, ["at least 2 folds"]),
    ({"cv": "lo"}, ["Did you mean 'loo'"]),
    ({"metric": "rsme"}, ["Did you mean 'rmse'"]),
    ({"lattice_params": {"epoch": 5}}, ["lattice_params['epoch']", "Did you mean 'epochs'"]),
    ({"lattice_params": {"random_state": 5}}, ["set by compare", "random_state"]),
    ({"lattice_params": [1]}, ["Invalid lattice_params: 1 problem", "a dict of estimator parameters"]),
    ({"n_jobs": 0}, ["n_jobs"]),
    ({"confidence": 95}, ["confidence"]),
])
def test_bad_arguments(kwargs, words):
    X, y = _regression(30)
    with pytest.raises(SpecError) as err:
        priorml.compare(REG_SPEC, X, y, **kwargs)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("seed", [-1, 2**32, True, 1.0])
def test_seeds_are_checked_before_any_fit(seed):
    """NumPy takes seeds from 0 to 2**32 - 1: others are named, not a raw numpy traceback from deep inside."""
    X, y = _regression(30)
    calls = [lambda: priorml.compare(REG_SPEC, X, y, models=["linear"], cv=3, random_state=seed),
             lambda: priorml.learning_curve(REG_SPEC, X, y, sizes=(10,), models=["linear"], cv=3, random_state=seed),
             lambda: priorml.check_assumptions(REG_SPEC, X, y, random_state=seed),
             lambda: build_models(REG_SPEC, ["linear"], random_state=seed)]
    for call in calls:
        with pytest.raises(SpecError, match=r"Invalid arguments.*\n.*random_state: expected an integer seed from 0"):
            call()


def test_bad_data():
    X, y = _regression(30)
    with pytest.raises(SpecError, match="30 values"):
        priorml.compare(REG_SPEC, X, y[:-1], models=["linear"])
    with pytest.raises(SpecError, match="X\\['b'\\]"):
        priorml.compare(REG_SPEC, X.drop(columns="b"), y, models=["linear"])
    Xc, yc = _binary(40)
    with pytest.raises(SpecError, match="class"):
        priorml.compare(CLF_SPEC, Xc, np.r_[["a"] * 20, ["b"] * 19, ["c"]], models=["linear"])
    with pytest.raises(SpecError, match="at least 2 rows of each class"):
        priorml.compare(CLF_SPEC, Xc, np.r_[["a"] * 39, ["b"]], models=["linear"])
    with pytest.raises(SpecError, match="rarer class"):
        priorml.compare(CLF_SPEC, Xc, np.r_[["a"] * 37, ["b"] * 3], models=["linear"], cv=5)

    class NoProba(DummyClassifier):
        predict_proba = property()  # hasattr(...) is False

    with pytest.raises(SpecError, match="predict_proba"):
        priorml.compare(CLF_SPEC, Xc, yc, models=[("np", NoProba())], cv=3)


@pytest.mark.parametrize("sizes, words", [((0, 10), ["sizes[0]", "positive"]), ((1.5,), ["sizes[0]", "fraction"]),
                                          (("10",), ["sizes[0]"]), ((), ["non-empty"]), ((0.01,), ["at least 2"])])
def test_bad_sizes(sizes, words):
    X, y = _regression(60)
    with pytest.raises(SpecError) as err:
        priorml.learning_curve(REG_SPEC, X, y, sizes=sizes, models=["linear"], cv=3)
    for w in words:
        assert w in str(err.value)


def test_a_failing_model_is_named():
    class Broken(DummyRegressor):
        def fit(self, X, y):
            raise RuntimeError("boom")

    X, y = _regression(30)
    with pytest.raises(PriorMLError, match="'broken' failed on split 0.*boom"):
        priorml.compare(REG_SPEC, X, y, models=["linear", ("broken", Broken())], cv=3)


# ---------------------------------------------------------------------- factory and encoder
def test_build_models_kinds_and_settings():
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression

    built = build_models(REG_SPEC, ["lattice", "bayes", "rf", "hgb", "linear", "hgb_monotone"], random_state=7)
    names = [b[0] for b in built]
    assert names == ["lattice", "bayes", "random_forest", "hist_gradient_boosting", "linear", "hgb_monotone"]
    est = dict((n, e) for n, _, e in built)
    assert isinstance(est["lattice"], priorml.LatticeRegressor) and est["lattice"].random_state == 7
    assert est["bayes"].method == "nuts" and est["bayes"].chains == 2 and est["bayes"].progressbar is False
    rf = est["random_forest"].named_steps["model"]
    assert isinstance(rf, RandomForestRegressor) and rf.n_estimators == 300 and rf.random_state == 7
    assert list(est["hgb_monotone"].named_steps["model"].monotonic_cst) == [1, -1, 0]
    assert getattr(est["hist_gradient_boosting"].named_steps["model"], "monotonic_cst", None) is None
    clf = dict((n, e) for n, _, e in build_models(CLF_SPEC, ["linear", "hgb_monotone"]))
    assert isinstance(clf["linear"].named_steps["model"], LogisticRegression)
    assert isinstance(clf["hgb_monotone"].named_steps["model"], HistGradientBoostingClassifier)
    assert build_models(CLF_SPEC, ["lattice"], task="regression")[0][2].__class__ is priorml.LatticeRegressor
    with pytest.raises(SpecError, match="Did you mean 'hgb_monotone'"):
        build_models(REG_SPEC, ["hgb_monotonic"])


def test_spec_encoder_follows_the_spec():
    spec = priorml.Spec.from_dict({"features": {"x": {"missing": "median"}, "c": {"type": "categorical", "missing": "mode"},
                                                "z": {"clip": [0, 1]}}})
    X = pd.DataFrame({"x": [1.0, np.nan, 3.0, 10.0], "c": ["u", "v", None, "u"], "z": [-1.0, 0.5, 2.0, 0.2]})
    X0 = X.copy()
    enc = SpecEncoder(spec, categorical="onehot").fit(X)
    out = enc.transform(X)
    assert out.shape == (4, 4)
    assert out[:, 0].tolist() == [1.0, 3.0, 3.0, 10.0]  # median imputed, not clipped to keypoints
    assert out[:, 1:3].tolist() == [[1, 0], [0, 1], [1, 0], [1, 0]]  # the mode 'u' fills the gap
    assert out[:, 3].tolist() == [0.0, 0.5, 1.0, 0.2]  # the declared clip applies
    assert SpecEncoder(spec).fit_transform(X)[:, 1].tolist() == [0, 1, 0, 0]
    scaled = SpecEncoder(spec, categorical="onehot", scale=True).fit_transform(X)
    assert scaled[:, 0].mean() == pytest.approx(0) and scaled[:, 0].std() == pytest.approx(1)
    pd.testing.assert_frame_equal(X, X0)
    with pytest.raises(SpecError, match="seen in training"):
        enc.transform(X.assign(c=["u", "w", "u", "u"]))


def test_resolve_cv_default_thresholds():
    y = np.zeros(49)
    assert resolve_cv(None, None, y, None, 0).name == "loo"
    p = resolve_cv(None, None, np.zeros(50), None, 0)
    assert p.name == "repeated_kfold" and len(p.splits) == 10
    p = resolve_cv(None, None, np.zeros(1000), None, 0)
    assert p.name == "kfold" and len(p.splits) == 5
    assert p.test_train_ratio == pytest.approx(200 / 800)


@pytest.mark.slow
def test_bayes_in_a_comparison():
    X, y = _regression(40)
    res = priorml.compare(REG_SPEC, X, y, models=["bayes", "linear"], cv=2,
                          bayes_params={"draws": 200, "tune": 200})
    t = res.table.set_index("model")
    assert t.loc["bayes", "kind"] == "constrained"
    assert t.loc["bayes", "rmse_mean"] < 0.8 * np.std(y)
