"""Drift monitor: planted drifts are caught, stationary streams stay quiet,
state survives a restart exactly, and damaged state or bad input is refused.

The streams are simulated with fixed seeds: y = 2 a - b + c^2 / 2 + noise
(regression) or a logistic model with the same signs (classification); the
"flip" streams reverse the effect of ``a`` from a given batch on, which both
breaks the model (fit before the flip) and contradicts the spec's
``a: increasing``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml.audit.drift import DriftMonitor, DriftStatus, batch_level, split_batches
from priorml.errors import DataError, ModelFormatError, SpecError

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "c": {}}}
BATCH = 150
FLIP_AT = 8  # first batch after the change


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": rng.uniform(-1, 1, n), "b": rng.uniform(-1, 1, n), "c": rng.uniform(-1, 1, n)})


def _regression(rng: np.random.Generator, n: int, flipped: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    X = _frame(rng, n)
    s = -2.0 if flipped else 2.0
    y = s * X["a"] - X["b"] + 0.5 * X["c"] ** 2 + rng.normal(0, 0.5, n)
    return X, y.to_numpy()


def _classification(rng: np.random.Generator, n: int, flipped: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    X = _frame(rng, n)
    s = -2.0 if flipped else 2.0
    logit = 3.0 * (s * X["a"] - X["b"])
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-logit.to_numpy())), "yes", "no")
    return X, y


def _stream(make, seed: int, n_batches: int, flip_at: int | None = None, size: int = BATCH):
    rng = np.random.default_rng(seed)
    return [make(rng, size, flip_at is not None and k >= flip_at) for k in range(1, n_batches + 1)]


@pytest.fixture(scope="module")
def regressor(fast_settings):
    X, y = _regression(np.random.default_rng(0), 600)
    return priorml.LatticeRegressor(SPEC, model="linear", **fast_settings).fit(X, y)


@pytest.fixture(scope="module")
def classifier(fast_settings):
    X, y = _classification(np.random.default_rng(0), 800)
    return priorml.LatticeClassifier(SPEC, model="linear", **fast_settings).fit(X, y)


@pytest.fixture(scope="module")
def flip_stream():
    return _stream(_regression, seed=1, n_batches=FLIP_AT + 5, flip_at=FLIP_AT)


@pytest.fixture(scope="module")
def flip_run(regressor, flip_stream):
    """The flip stream monitored without interruption (shared by the detection and resume tests)."""
    monitor = DriftMonitor(SPEC, regressor, window=3, alpha=0.05, random_state=0)
    for X, y in flip_stream:
        monitor.update(X, y)
    return monitor


# ---------------------------------------------------------------------- planted truths
def test_regression_sign_flip_is_caught_within_three_batches(flip_run):
    h = flip_run.history
    assert not h.loc[h["batch"] < FLIP_AT, "alert"].any(), h[["batch", "p_value", "alert", "reasons"]]
    alerts = h.loc[h["alert"], "batch"].tolist()
    assert alerts and FLIP_AT <= alerts[0] <= FLIP_AT + 2, h[["batch", "model_loss", "baseline_loss", "p_value", "alert"]]
    first = flip_run.statuses[alerts[0] - 1]
    assert any(r.startswith("loss test") or "a: monotonic" in r for r in first.reasons)
    # both tests see the planted change once the window holds post-change batches
    late = flip_run.statuses[FLIP_AT + 1:]
    assert all(s.alert for s in late)
    assert all(s.p_value is not None and s.p_value <= s.test_level for s in late)
    assert all(any(c.startswith("a: monotonic") for c in s.contradicted) for s in late)
    # b's constraint still holds after the change: never reported
    assert not any("b: " in c for s in flip_run.statuses for c in s.contradicted)


def test_stationary_regression_stream_raises_no_alert(regressor):
    monitor = DriftMonitor(SPEC, regressor, window=3, alpha=0.05, random_state=0)
    for X, y in _stream(_regression, seed=2, n_batches=25):
        monitor.update(X, y)
    h = monitor.history
    assert len(h) == 25
    assert not h["alert"].any(), h.loc[h["alert"], "reasons"].tolist()
    # the tests did run: a baseline from batch 2 on, and three tests (loss, a, b) per batch
    assert h["baseline_loss"].iloc[1:].notna().all() and h["p_value"].iloc[1:].notna().all()
    assert (h["n_tests"].iloc[1:] == 3).all()


def test_classifier_stream_stationary_then_flipped(classifier):
    quiet = DriftMonitor(SPEC, classifier, window=3, alpha=0.05)
    for X, y in _stream(_classification, seed=3, n_batches=20, size=200):
        quiet.update(X, y)
    assert not quiet.history["alert"].any(), quiet.history.loc[quiet.history["alert"], "reasons"].tolist()
    assert quiet.history.attrs["loss"] == "log loss"

    flip_at = 6
    monitor = DriftMonitor(SPEC, classifier, window=3, alpha=0.05)
    for X, y in _stream(_classification, seed=4, n_batches=flip_at + 3, flip_at=flip_at, size=200):
        monitor.update(X, y)
    h = monitor.history
    alerts = h.loc[h["alert"], "batch"].tolist()
    assert alerts and flip_at <= alerts[0] <= flip_at + 2, h[["batch", "model_loss", "baseline_loss", "p_value", "alert"]]


def test_levels_follow_the_stated_spending_and_bonferroni(flip_run):
    h = flip_run.history
    k = h["batch"].to_numpy()
    np.testing.assert_allclose(h["level"], 0.05 * 6 / (math.pi**2 * k**2))
    np.testing.assert_allclose(h["test_level"], h["level"] / h["n_tests"])
    assert "at most 0.05" in h.attrs["guarantee"] and "whole stream" in h.attrs["guarantee"]
    # the per-batch levels of the whole stream sum to alpha
    assert sum(batch_level(i, 0.05) for i in range(1, 200_001)) == pytest.approx(0.05, rel=1e-4)
    assert batch_level(40, 0.05, "batch") == 0.05


def test_per_batch_control_uses_alpha_on_every_batch(regressor):
    monitor = DriftMonitor(SPEC, regressor, alpha=0.01, false_alarm="batch", check_constraints=False)
    for X, y in _stream(_regression, seed=5, n_batches=3):
        monitor.update(X, y)
    assert (monitor.history["level"] == 0.01).all()
    assert "expected false alarms over N batches <= 0.01 N" in monitor.guarantee


def test_paired_t_matches_scipy():
    from scipy import stats

    from priorml.audit.drift import _paired_t

    d = np.random.default_rng(0).normal(0.1, 1, 80)
    t, p = _paired_t(d)
    ref = stats.ttest_1samp(d, 0.0, alternative="greater")
    assert t == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue)


def test_margin_tolerates_a_worse_model(regressor, flip_stream):
    """The same post-change batches: no loss alert with a huge margin, an alert without."""
    kw = dict(check_constraints=False, window=3)
    strict, lenient = DriftMonitor(SPEC, regressor, **kw), DriftMonitor(SPEC, regressor, margin=100.0, **kw)
    for X, y in flip_stream[FLIP_AT - 3: FLIP_AT + 3]:
        strict.update(X, y)
        lenient.update(X, y)
    assert strict.history["alert"].any()
    assert not lenient.history["alert"].any()


# ---------------------------------------------------------------------- persistence
def test_save_and_resume_repeat_an_uninterrupted_run(regressor, flip_stream, flip_run, tmp_path):
    path = tmp_path / "state" / "drift.json"
    first = DriftMonitor(SPEC, regressor, window=3, alpha=0.05, random_state=0, state_path=path)
    for X, y in flip_stream[:5]:
        first.update(X, y)
    assert path.is_file() and json.loads(path.read_text())["payload"]["n_batches"] == 5
    del first  # a restart
    resumed = DriftMonitor.load(path, regressor)
    assert resumed.n_batches == 5
    for X, y in flip_stream[5:]:
        resumed.update(X, y)
    pd.testing.assert_frame_equal(resumed.history, flip_run.history)
    assert [s.to_dict() for s in resumed.statuses] == [s.to_dict() for s in flip_run.statuses]
    # autosave continued to the same file
    again = DriftMonitor.load(path, regressor)
    pd.testing.assert_frame_equal(again.history, flip_run.history)
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind


def test_explicit_save_and_status_roundtrip(regressor, tmp_path):
    monitor = DriftMonitor(SPEC, regressor, check_constraints=False)
    for X, y in _stream(_regression, seed=6, n_batches=2):
        status = monitor.update(X, y, label="2024-01")
    assert DriftStatus.from_dict(json.loads(json.dumps(status.to_dict()))).to_dict() == status.to_dict()
    monitor.save(tmp_path / "m.json")
    loaded = DriftMonitor.load(tmp_path / "m.json", regressor)
    assert loaded.state_path is None  # it did not autosave, so the loaded one does not either
    pd.testing.assert_frame_equal(loaded.history, monitor.history)
    json.dumps(monitor.to_dict(), allow_nan=False)
    assert "batch" in str(monitor) and isinstance(status.table, pd.DataFrame)


def test_failed_write_leaves_the_previous_state_intact(regressor, tmp_path, monkeypatch):
    path = tmp_path / "drift.json"
    monitor = DriftMonitor(SPEC, regressor, check_constraints=False, state_path=path)
    batches = _stream(_regression, seed=7, n_batches=2)
    monitor.update(*batches[0])
    before = path.read_bytes()

    def broken_dump(obj, fh, **kw):
        fh.write('{"format": "priorml-drift-st')  # half written, then the process "dies"
        raise OSError("disk full")

    monkeypatch.setattr("priorml.audit.drift.json.dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        monitor.update(*batches[1])
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]
    assert monitor.n_batches == 1  # memory agrees with the file: the batch can be sent again
    monkeypatch.undo()
    monitor.update(*batches[1])
    assert DriftMonitor.load(path, regressor).n_batches == 2


@pytest.fixture
def state_file(regressor, tmp_path):
    monitor = DriftMonitor(SPEC, regressor, check_constraints=False)
    for X, y in _stream(_regression, seed=8, n_batches=3):
        monitor.update(X, y)
    return monitor.save(tmp_path / "drift.json")


@pytest.mark.parametrize("damage, message", [
    (lambda text: text[: len(text) // 2], "not readable JSON"),
    (lambda text: json.dumps({**json.loads(text), "format_version": 99}), "format version 99, newer"),
    (lambda text: json.dumps({"model": "something else", "weights": [1, 2]}), "not a priorml drift state"),
    (lambda text: json.dumps([1, 2, 3]), "not a priorml drift state"),
    (lambda text: text.replace('"n_rows": 150', '"n_rows": 151', 1), "checksum"),
    (lambda text: "", "not readable JSON"),
])
def test_damaged_state_is_refused_with_the_file_named(state_file, regressor, damage, message):
    state_file.write_text(damage(state_file.read_text()))
    with pytest.raises(ModelFormatError, match=message) as err:
        DriftMonitor.load(state_file, regressor)
    assert str(state_file) in str(err.value)


def test_malformed_field_with_valid_checksum_is_refused(state_file, regressor):
    from priorml.audit.drift import _checksum

    doc = json.loads(state_file.read_text())
    del doc["payload"]["config"]["window"]
    doc["checksum"] = _checksum(doc["payload"])
    state_file.write_text(json.dumps(doc))
    with pytest.raises(ModelFormatError, match="malformed field.*window"):
        DriftMonitor.load(state_file, regressor)


def test_state_of_another_model_or_missing_file_is_refused(state_file, classifier, tmp_path):
    with pytest.raises(ModelFormatError, match="LatticeRegressor"):
        DriftMonitor.load(state_file, classifier)
    with pytest.raises(ModelFormatError, match="does not exist"):
        DriftMonitor.load(tmp_path / "nowhere.json", classifier)


def test_a_retrained_model_resumes_with_a_warning(state_file, regressor, fast_settings, tmp_path):
    """Same class, features and classes, other predictions on the stored rows (a retrained model):
    the state loads, with a warning that the history may not be comparable; the same model loads
    silently."""
    import warnings

    from priorml.audit.drift import _checksum

    X, y = _regression(np.random.default_rng(5), 600, flipped=True)
    retrained = priorml.LatticeRegressor(SPEC, model="linear", **fast_settings).fit(X, y)
    with pytest.warns(UserWarning, match=r"model's fingerprint \(\w{16}\.\.\.\) differs from the one recorded"):
        assert DriftMonitor.load(state_file, retrained).n_batches == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        DriftMonitor.load(state_file, regressor)
    # a state saved before the fingerprint was recorded: the model's predictions on the stored rows decide
    doc = json.loads(state_file.read_text())
    assert doc["payload"]["model"].pop("sha256") == regressor.fingerprint()
    doc["checksum"] = _checksum(doc["payload"])
    older = tmp_path / "older.json"
    older.write_text(json.dumps(doc))
    with pytest.warns(UserWarning, match="differ from those recorded"):
        DriftMonitor.load(older, retrained)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        DriftMonitor.load(older, regressor)


def test_a_model_predicting_nan_is_an_error_not_a_silent_pass():
    """A NaN prediction made the loss test's p-value NaN, so the batch could never alert."""
    from sklearn.linear_model import LinearRegression

    class Broken(LinearRegression):
        def predict(self, X):
            out = super().predict(X)
            out[3] = np.nan
            return out

    batches = _stream(_regression, seed=2, n_batches=2)
    monitor = DriftMonitor(SPEC, Broken().fit(*batches[0]), check_constraints=False)
    with pytest.raises(DataError, match="non-finite prediction.*row 3"):
        monitor.update(*batches[0])
    assert monitor.n_batches == 0  # nothing recorded


def test_existing_state_is_never_overwritten_by_a_new_monitor(state_file, regressor):
    before = state_file.read_bytes()
    with pytest.raises(SpecError, match="DriftMonitor.load"):
        DriftMonitor(SPEC, regressor, state_path=state_file)
    assert state_file.read_bytes() == before


# ---------------------------------------------------------------------- bad input
def test_bad_batches_are_refused_and_leave_the_state_unchanged(regressor):
    monitor = DriftMonitor(SPEC, regressor, check_constraints=False)
    X, y = _regression(np.random.default_rng(9), 40)
    monitor.update(X, y)
    with pytest.raises(DataError, match=r"X_batch\['c'\].*no such column"):
        monitor.update(X.drop(columns="c"), y)
    with pytest.raises(DataError, match=r"y_batch: expected 40 values.*got 39"):
        monitor.update(X, y[:-1])
    bad = X.assign(a=X["a"].astype(object))
    bad.loc[3, "a"] = "high"
    with pytest.raises(DataError, match=r"X_batch\['a'\].*'high'"):
        monitor.update(bad, y)
    with pytest.raises(DataError, match="X_batch: expected 3 columns"):
        monitor.update(X.to_numpy()[:, :2], y)
    assert monitor.n_batches == 1
    # arrays in spec order are accepted; extra DataFrame columns are ignored; the input is not modified
    copy = X.assign(extra="x")
    monitor.update(X.to_numpy(), y)
    monitor.update(copy, y)
    pd.testing.assert_frame_equal(copy, X.assign(extra="x"))
    assert monitor.n_batches == 3


def test_unknown_labels_are_refused(classifier):
    monitor = DriftMonitor(SPEC, classifier, check_constraints=False)
    X, y = _classification(np.random.default_rng(10), 30)
    with pytest.raises(DataError, match=r"y_batch.*\['maybe'\]"):
        monitor.update(X, np.where(y == "yes", "maybe", y))


def test_a_window_holding_a_single_class_is_named_by_its_label(classifier):
    """The skipped constraint check names the class as the user wrote it ('yes'), not its internal code (1.0);
    the next batch, with both classes, is tested."""
    from priorml.errors import ConstraintWarning

    monitor = DriftMonitor(SPEC, classifier, window=1, assumption_params={"n_bootstrap": 100, "cv": 3})
    X, y = _classification(np.random.default_rng(23), 60)
    with pytest.warns(ConstraintWarning, match=r"single class \('yes'\).*\['no', 'yes'\]"):
        status = monitor.update(X, np.full(60, "yes"))
    assert not status.constraints and not any("1.0" in w for w in status.warnings)
    assert monitor.update(*_classification(np.random.default_rng(24), 60)).constraints


def test_bad_arguments_are_reported_together(regressor):
    with pytest.raises(SpecError) as err:
        DriftMonitor(SPEC, regressor, window=0, alpha=1.5, false_alarm="sometimes", margin=-1, random_state=None)
    text = str(err.value)
    for name in ("window", "alpha", "false_alarm", "margin", "random_state"):
        assert name in text
    with pytest.raises(SpecError, match="fitted"):
        DriftMonitor(SPEC, priorml.LatticeRegressor(SPEC))
    with pytest.raises(SpecError, match="hist_gradient_boosting"):
        DriftMonitor(SPEC, regressor, baseline="hist_gradient_bosting")
    with pytest.raises(SpecError, match=r"no feature\(s\) \['c'\]"):
        DriftMonitor({"features": {"a": {}, "b": {}}}, regressor)


def test_spec_none_uses_the_models_spec_and_custom_baselines_work(regressor, tmp_path):
    from sklearn.linear_model import Ridge

    monitor = DriftMonitor(None, regressor, baseline=Ridge(), check_constraints=False)
    assert monitor.spec_.feature_names == ("a", "b", "c")
    for X, y in _stream(_regression, seed=11, n_batches=2):
        monitor.update(X, y)
    assert monitor.history["baseline_loss"].notna().sum() == 1
    path = monitor.save(tmp_path / "ridge.json")
    with pytest.raises(ModelFormatError, match="custom baseline Ridge"):
        DriftMonitor.load(path, regressor)
    assert DriftMonitor.load(path, regressor, baseline=Ridge()).n_batches == 2


def test_assumption_params_are_checked_when_the_monitor_is_made(regressor, tmp_path):
    """Bad values and misspelt keys are refused at once, named, as check_assumptions would refuse them."""
    for params, words in [({"n_bootstrap": 5}, ["assumption_params['n_bootstrap']", "100"]),
                          ({"cv": 1}, ["assumption_params['cv']", "folds"]),
                          ({"n_jobs": 0}, ["assumption_params['n_jobs']"]),
                          ({"progress": "yes"}, ["assumption_params['progress']", "True or False"]),
                          ({"n_boot": 100}, ["assumption_params['n_boot']", "Did you mean 'n_bootstrap'"])]:
        with pytest.raises(SpecError) as err:
            DriftMonitor(SPEC, regressor, assumption_params=params, state_path=tmp_path / "never.json")
        for w in words:
            assert w in str(err.value), (params, str(err.value))
    assert not (tmp_path / "never.json").exists()
    DriftMonitor(SPEC, regressor, assumption_params={"n_bootstrap": 200, "cv": 3, "n_jobs": 1, "progress": False})


def test_a_skipped_constraint_check_is_a_warning_with_the_whole_problem(regressor):
    """Six rows cannot be cross-validated: the status says so in full, and update warns."""
    from priorml.errors import ConstraintWarning

    monitor = DriftMonitor(SPEC, regressor, window=1)
    X, y = _regression(np.random.default_rng(13), 6)
    with pytest.warns(ConstraintWarning, match="constraint check skipped"):
        status = monitor.update(X, y)
    assert status.constraints == [] and len(status.warnings) == 1
    text = status.warnings[0]
    assert text.startswith("constraint check skipped: Invalid data") and "6 rows" in text  # not only the title
    assert "\n" not in text and text in monitor.history.loc[0, "warnings"]
    assert "(warning) constraint check skipped" in str(status)
    assert DriftStatus.from_dict(status.to_dict()).warnings == status.warnings


def test_seeds_beyond_numpys_range_are_refused(regressor):
    for seed in (-1, 2**32):
        with pytest.raises(SpecError, match="random_state"):
            DriftMonitor(SPEC, regressor, random_state=seed)


def test_a_scikit_learn_model_fitted_with_another_column_order():
    """Columns are given to the model in the order it was fitted with; columns the spec lacks are refused."""
    from sklearn.linear_model import LinearRegression

    X, y = _regression(np.random.default_rng(14), 300)
    model = LinearRegression().fit(X[["c", "b", "a"]], y)
    monitor = DriftMonitor(SPEC, model, check_constraints=False)
    for Xb, yb in _stream(_regression, seed=15, n_batches=2, size=40):
        status = monitor.update(Xb, yb)
    assert status.model_loss == pytest.approx(float(np.mean((yb - model.predict(Xb[["c", "b", "a"]])) ** 2)))
    assert status.baseline_loss is not None
    wider = LinearRegression().fit(X.assign(d=1.0), y)
    with pytest.raises(SpecError, match=r"model.*\['d'\].*feature_names_in_"):
        DriftMonitor(SPEC, wider)


def _imputing_model(X, y):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(SimpleImputer(strategy="median"), LinearRegression()).fit(X, y)


def test_missing_error_in_the_spec_applies_to_batches():
    """A NaN is refused with the column named, before the user's model sees it; the state is unchanged."""
    from sklearn.linear_model import LinearRegression

    X, y = _regression(np.random.default_rng(16), 200)
    monitor = DriftMonitor(SPEC, LinearRegression().fit(X, y), check_constraints=False)
    Xb, yb = _regression(np.random.default_rng(17), 30)
    bad = Xb.copy()
    bad.loc[[4, 7], "b"] = np.nan
    with pytest.raises(DataError, match=r"X_batch\['b'\].*missing: error.*2 missing, first at row 4"):
        monitor.update(bad, yb)
    assert monitor.n_batches == 0
    lenient = DriftMonitor({"features": {**SPEC["features"], "b": {"missing": "median", "monotonic": "decreasing"}}},
                           _imputing_model(X, y), check_constraints=False)
    lenient.update(bad, yb)
    assert lenient.n_batches == 1


CAT_SPEC = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical"}}}


def _levelled(rng: np.random.Generator, n: int, levels: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "g": rng.choice(levels, n)})
    y = 2 * X["a"].to_numpy() + 0.5 * (X["g"] == "q").to_numpy() + rng.normal(0, 0.3, n)
    return X, y


@pytest.fixture(scope="module")
def onehot_model():
    """A pipeline that predicts unseen levels (one-hot with handle_unknown='ignore'), fitted on levels p, q."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = _levelled(np.random.default_rng(18), 300, ["p", "q"])
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["g"]), remainder="passthrough")
    return make_pipeline(encode, LinearRegression()).fit(X, y)


def test_a_new_category_is_reported_and_the_batch_still_monitored(onehot_model):
    from priorml.errors import DataWarning

    rng = np.random.default_rng(19)
    monitor = DriftMonitor(CAT_SPEC, onehot_model, check_constraints=False)
    for _ in range(2):
        monitor.update(*_levelled(rng, 60, ["p", "q"]))
    X, y = _levelled(rng, 60, ["p", "q", "r"])
    with pytest.warns(DataWarning, match=r"new category: X\['g'\] holds \['r'\]"):
        status = monitor.update(X, y)
    assert status.baseline_loss is not None and status.p_value is not None  # the loss test still ran
    assert any("new category" in w and f"({int((X['g'] == 'r').sum())} rows)" in w for w in status.warnings)
    assert "new category" in monitor.history.loc[2, "warnings"]
    status = monitor.update(*_levelled(rng, 60, ["p", "q", "r"]))  # seen in the previous batch: not new any more
    assert not any("new category" in w for w in status.warnings)


def test_a_category_outside_the_declared_ones_is_drift(onehot_model):
    """Declared categories are part of the spec: a batch outside them raises an alert, and the constraints
    are still checked on the window."""
    spec = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical", "categories": ["p", "q"]}}}
    rng = np.random.default_rng(20)
    monitor = DriftMonitor(spec, onehot_model, assumption_params={"n_bootstrap": 100, "cv": 3})
    first = monitor.update(*_levelled(rng, 60, ["p", "q"]))
    assert not first.alert
    status = monitor.update(*_levelled(rng, 60, ["p", "q", "r"]))
    assert status.alert and "g: categories" in status.contradicted
    assert any("category outside the spec" in r and "['r']" in r for r in status.reasons)
    assert status.baseline_loss is not None
    assert [c["feature"] for c in status.constraints] == ["a"]  # the monotone constraint was still tested


def test_a_category_outside_the_declared_ones_is_drift_for_a_priorml_model(fast_settings, tmp_path):
    """A priorml estimator refuses a level outside its declared categories: the batch still raises its alert
    (it used to raise DataError and could never be recorded), the loss test pairs model and baseline on the
    other rows, and the state is saved and resumed."""
    spec = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical", "categories": ["p", "q"]}}}
    model = priorml.LatticeRegressor(spec, model="linear", **fast_settings).fit(*_levelled(np.random.default_rng(21),
                                                                                           200, ["p", "q"]))
    rng = np.random.default_rng(22)
    path = tmp_path / "drift.json"
    monitor = DriftMonitor(spec, model, check_constraints=False, state_path=path)
    monitor.update(*_levelled(rng, 60, ["p", "q"]))
    X, y = _levelled(rng, 60, ["p", "q", "r"])
    status = monitor.update(X, y)
    assert status.alert and status.contradicted == ["g: categories"]
    keep = (X["g"] != "r").to_numpy()
    assert status.model_loss == pytest.approx(float(np.mean((y[keep] - model.predict(X[keep])) ** 2)))
    assert status.p_value is not None and status.baseline_loss is not None
    assert any(f"use the other {int(keep.sum())} row(s)" in n for n in status.notes)
    resumed = DriftMonitor.load(path, model)
    pd.testing.assert_frame_equal(resumed.history, monitor.history)
    assert not resumed.update(*_levelled(rng, 60, ["p", "q"])).contradicted


def test_state_file_permissions_follow_the_umask_and_the_directory_is_synced(regressor, tmp_path, monkeypatch):
    import os
    import stat

    monitor = DriftMonitor(SPEC, regressor, check_constraints=False)
    monitor.update(*_regression(np.random.default_rng(21), 20))
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    old = os.umask(0o022)
    try:
        path = monitor.save(tmp_path / "a.json")
        assert os.name != "posix" or mode(path) == 0o644  # readable by a dashboard running as another user
        os.umask(0o077)
        assert os.name != "posix" or mode(monitor.save(tmp_path / "b.json")) == 0o600
        os.chmod(path, 0o640)
        monitor.save(path)  # a file replaced keeps its permissions
        assert os.name != "posix" or mode(path) == 0o640
    finally:
        os.umask(old)
    if not hasattr(os, "O_DIRECTORY"):
        return
    synced = []
    real = os.fsync

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monitor.save(tmp_path / "d.json")
    assert synced == [False, True]  # the file, then its directory after the rename


# ---------------------------------------------------------------------- batches from a time column
def test_split_batches_by_value_period_bin_and_count():
    rng = np.random.default_rng(12)
    n = 120
    X = pd.DataFrame({"x": rng.normal(size=n), "year": rng.integers(2000, 2004, n),
                      "when": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")})
    y = rng.normal(size=n)
    original = X.copy()

    by_year = split_batches(X, y, "year")
    assert [b.label for b in by_year] == ["2000", "2001", "2002", "2003"]
    assert sum(len(b.X) for b in by_year) == n
    for b in by_year:
        assert (b.X["year"] == int(b.label)).all()
        np.testing.assert_array_equal(b.y, y[b.X.index])  # targets stay with their rows

    by_month = split_batches(X, y, "when", freq="M")
    assert [b.label for b in by_month] == ["2024-01", "2024-02", "2024-03"]
    assert all((b.X["when"].dt.strftime("%Y-%m") == b.label).all() for b in by_month)

    by_bin = split_batches(X, y, "year", freq=2)
    assert [len(b.X) for b in by_bin] == [int(X["year"].isin([2000, 2001]).sum()), int(X["year"].isin([2002, 2003]).sum())]

    by_count = split_batches(X, y, "when", n_batches=4)
    assert len(by_count) == 4 and sum(len(b.X) for b in by_count) == n
    ends = [(b.X["when"].min(), b.X["when"].max()) for b in by_count]
    assert all(ends[i][1] < ends[i + 1][0] for i in range(3))  # consecutive, ties never split
    pd.testing.assert_frame_equal(X, original)


def test_split_batches_numeric_bins_are_exact_at_their_edges():
    """0.3 / 0.1 is 2.9999999999999996 in floating point: times on a bin edge still start that bin (they used to
    fall into the previous one, merging two periods under a label that excludes one of them)."""
    t = np.repeat(np.round(np.arange(0, 1.0, 0.1), 1), 12)
    X = pd.DataFrame({"x": np.arange(t.size), "t": t})
    batches = split_batches(X, X["x"], "t", freq=0.1)
    assert len(batches) == 10
    for j, b in enumerate(batches):
        assert b.X["t"].unique().tolist() == [round(0.1 * j, 1)], b.label
        lo, hi = (float(v) for v in b.label.strip("[)").split(", "))
        assert lo <= b.X["t"].min() and b.X["t"].max() < hi


def test_split_batches_refuses_bad_requests():
    X = pd.DataFrame({"x": np.arange(50.0), "year": np.repeat([1, 2], 25)})
    with pytest.raises(SpecError, match="Did you mean 'year'"):
        split_batches(X, X["x"], "yaer")
    with pytest.raises(SpecError, match="not both"):
        split_batches(X, X["x"], "year", freq=1, n_batches=2)
    with pytest.raises(SpecError, match="at least 10 rows per distinct value"):
        split_batches(X, X["x"], "x")
    with pytest.raises(SpecError, match="n_batches"):
        split_batches(X, X["x"], "year", n_batches=0)
    with pytest.raises(SpecError, match="50 time values"):
        split_batches(X, X["x"], np.arange(10))


def test_run_cuts_by_time_and_labels_the_history(regressor):
    batches = _stream(_regression, seed=13, n_batches=3)
    X = pd.concat([b[0].assign(period=2020 + i) for i, b in enumerate(batches)], ignore_index=True)
    y = np.concatenate([b[1] for b in batches])
    shuffled = np.random.default_rng(0).permutation(len(X))
    monitor = DriftMonitor(SPEC, regressor, check_constraints=False)
    h = monitor.run(X.iloc[shuffled], y[shuffled], "period")
    assert h["label"].tolist() == ["2020", "2021", "2022"]
    assert h["n_rows"].tolist() == [BATCH] * 3
    reference = DriftMonitor(SPEC, regressor, check_constraints=False)
    for Xb, yb in batches:
        reference.update(Xb, yb)
    np.testing.assert_allclose(h["model_loss"], reference.history["model_loss"])


def test_plots_return_figures(flip_run):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert flip_run.plot() is not None
    assert flip_run.statuses[-1].plot() is not None
    plt.close("all")


@pytest.mark.slow
def test_bayesian_model_is_monitored_like_a_lattice():
    """Any fitted priorml estimator: a Bayesian (MAP) fit, same planted flip."""
    X, y = _regression(np.random.default_rng(0), 300)
    model = priorml.BayesianRegressor(SPEC, method="map", progressbar=False).fit(X, y)
    monitor = DriftMonitor(SPEC, model)
    flip_at = 6
    for Xb, yb in _stream(_regression, seed=1, n_batches=flip_at + 3, flip_at=flip_at):
        monitor.update(Xb, yb)
    alerts = monitor.history.loc[monitor.history["alert"], "batch"].tolist()
    assert alerts and flip_at <= alerts[0] <= flip_at + 2
