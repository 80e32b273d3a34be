"""Drift monitor, third audit: errors name update()'s arguments, damaged state files with non-finite numbers or
deep nesting are refused cleanly, missing categorical values are not taken for a category (pandas 3 string
inference), and categorical dates survive a save and resume.

The models are scikit-learn ones (fast); the monitor treats them as it treats a priorml estimator.
"""

from __future__ import annotations

import datetime
import decimal
import warnings

import numpy as np
import pandas as pd
import pytest

from priorml.audit.drift import DriftMonitor
from priorml.errors import DataError, ModelFormatError

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "c": {}}}


def _regression(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "b": rng.uniform(-1, 1, n), "c": rng.uniform(-1, 1, n)})
    return X, (2 * X["a"] - X["b"] + rng.normal(0, 0.5, n)).to_numpy()


@pytest.fixture(scope="module")
def linear():
    from sklearn.linear_model import LinearRegression

    return LinearRegression().fit(*_regression(np.random.default_rng(0), 300))


# ---------------------------------------------------------------------- errors name X_batch and y_batch
def test_update_errors_name_x_batch_and_y_batch(linear):
    """update(X_batch, y_batch) used to report bad input as "X['c']" or "y" (the names of fit)."""
    monitor = DriftMonitor(SPEC, linear, check_constraints=False)
    X, y = _regression(np.random.default_rng(1), 40)
    inf = X.assign(a=X["a"].where(X.index != 2, np.inf))
    text = X.assign(a=X["a"].astype(object))
    text.loc[3, "a"] = "high"
    cases = [((X.drop(columns="c"), y), "X_batch['c']"),
             ((X.to_numpy()[:, :2], y), "X_batch: expected 3 columns"),
             ((pd.concat([X, X[["a"]]], axis=1), y), "X_batch: expected distinct column names"),
             ((inf, y), "X_batch['a']: expected finite values"),
             ((text, y), "X_batch['a']: expected numbers"),
             ((X, y[:-1]), "y_batch: expected 40 values (one per row of X_batch)"),
             ((X, np.where(np.arange(40) == 3, np.nan, y)), "y_batch: expected finite target values"),
             ((X, np.c_[y, y]), "y_batch: expected a 1-D target")]
    for args, words in cases:
        with pytest.raises(DataError) as err:
            monitor.update(*args)
        assert words in str(err.value), str(err.value)
        assert all(p.where.startswith(("X_batch", "y_batch")) for p in err.value.problems), err.value.problems
    missing = X.copy()
    missing.loc[[4, 7], "b"] = np.nan
    with pytest.raises(DataError, match=r"X_batch\['b'\].*missing: error"):
        monitor.update(missing, y)
    assert monitor.n_batches == 0


# ---------------------------------------------------------------------- damaged state files
@pytest.mark.parametrize("damage", [
    lambda text: text.replace('"n_rows": 30', '"n_rows": NaN', 1),
    lambda text: text.replace('"alpha": 0.05', '"alpha": Infinity', 1),
    lambda text: text.replace('"n_rows": 30', '"n_rows": 1e999', 1),
    lambda text: "[" * 100_000 + "]" * 100_000,
], ids=["NaN", "Infinity", "overflow", "deep"])
def test_state_with_non_finite_numbers_or_deep_nesting_is_refused_cleanly(linear, tmp_path, damage):
    """These parse as JSON in Python, then failed the checksum computation with a raw ValueError (or
    RecursionError) instead of a ModelFormatError naming the file."""
    monitor = DriftMonitor(SPEC, linear, check_constraints=False)
    rng = np.random.default_rng(2)
    for _ in range(2):
        monitor.update(*_regression(rng, 30))
    path = monitor.save(tmp_path / "drift.json")
    text = path.read_text()
    assert damage(text) != text
    path.write_text(damage(text))
    with pytest.raises(ModelFormatError, match="corrupted") as err:
        DriftMonitor.load(path, linear)
    assert str(path) in str(err.value)


# ---------------------------------------------------------------------- missing categorical values
CAT_SPEC = {"features": {"a": {"monotonic": "increasing"},
                         "h": {"type": "categorical", "missing": "category", "categories": ["u", "v", "w"]}}}


def _with_missing(rng: np.random.Generator, n: int, n_missing: int) -> tuple[pd.DataFrame, np.ndarray]:
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "h": pd.Series(rng.choice(["u", "v", "w"], n), dtype=object)})
    X.loc[: n_missing - 1, "h"] = None
    return X, (2 * X["a"] + (X["h"] == "u") + rng.normal(0, 0.3, n)).to_numpy()


@pytest.fixture(scope="module")
def imputing_model():
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="constant", fill_value="NA"), OneHotEncoder(handle_unknown="ignore")),
         ["h"]), remainder="passthrough")
    return make_pipeline(encode, LinearRegression()).fit(*_with_missing(np.random.default_rng(3), 300, 30))


def test_missing_categorical_values_are_not_a_category(imputing_model, tmp_path):
    """A batch's canonical DataFrame let pandas 3 infer a string dtype, which turns None into NaN; NaN then
    passed for a level: "category outside the spec: X['h'] holds [nan]", an alert on a spec that allows
    missing values (missing: category), and "new category [nan]" warnings without declared categories."""
    rng = np.random.default_rng(4)
    path = tmp_path / "drift.json"
    monitor = DriftMonitor(CAT_SPEC, imputing_model, check_constraints=False, state_path=path)
    undeclared = {"features": {**CAT_SPEC["features"], "h": {"type": "categorical", "missing": "category"}}}
    loose = DriftMonitor(undeclared, imputing_model, check_constraints=False)
    for n_missing in (0, 5, 0, 5):
        batch = _with_missing(rng, 50, n_missing)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "new category" warning either
            status = monitor.update(*batch)
            other = loose.update(*batch)
        assert not status.contradicted and not status.alert, status.reasons
        assert not other.warnings, other.warnings
    X = monitor._buffer[-1][0]
    assert X["h"].dtype == object and X["h"].iloc[0] is None
    resumed = DriftMonitor.load(path, imputing_model)
    pd.testing.assert_frame_equal(resumed._buffer[-1][0], X)
    assert not resumed.update(*_with_missing(rng, 50, 5)).alert


# ---------------------------------------------------------------------- categorical dates in the state
DATE_SPEC = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical"}}}


def _dated(rng: np.random.Generator, n: int, levels: list) -> tuple[pd.DataFrame, np.ndarray]:
    g = pd.Series([levels[i] for i in rng.integers(0, len(levels), n)], dtype=object)
    X = pd.DataFrame({"a": rng.uniform(-1, 1, n), "g": g})
    return X, 2 * X["a"].to_numpy() + rng.normal(0, 0.3, n)


@pytest.mark.parametrize("levels", [
    [datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)],
    [datetime.datetime(2024, 1, 1, 5, 30), datetime.datetime(2024, 1, 2)],
    [pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris"), pd.Timestamp("2024-02-01")],
], ids=["date", "datetime", "Timestamp"])
def test_categorical_dates_are_saved_and_resumed_exactly(tmp_path, levels):
    """Saving the window raised a raw TypeError ("Object of type date is not JSON serializable"), so with a
    state_path no batch could ever be recorded; now dates are stored with their type and the resumed monitor
    repeats an uninterrupted one."""
    from sklearn.dummy import DummyRegressor

    rng = np.random.default_rng(5)
    model = DummyRegressor().fit(*_dated(rng, 100, levels))
    batches = [_dated(rng, 30, levels) for _ in range(4)]
    full = DriftMonitor(DATE_SPEC, model, check_constraints=False)
    for b in batches:
        full.update(*b)
    path = tmp_path / "drift.json"
    part = DriftMonitor(DATE_SPEC, model, check_constraints=False, state_path=path)
    for i, b in enumerate(batches):
        if i:
            part = DriftMonitor.load(path, model)
        part.update(*b)
    assert [s.to_dict() for s in part.statuses] == [s.to_dict() for s in full.statuses]
    for (Xp, yp), (Xf, yf) in zip(part._buffer, full._buffer):
        pd.testing.assert_frame_equal(Xp, Xf)
        assert [type(v) for v in Xp["g"]] == [type(v) for v in Xf["g"]]


def test_categorical_levels_json_cannot_hold_are_refused_clearly(tmp_path):
    """Another type (Decimal) is refused by name, and the batch is not recorded."""
    from sklearn.dummy import DummyRegressor

    rng = np.random.default_rng(6)
    levels = [decimal.Decimal("1.5"), decimal.Decimal("2.5")]
    model = DummyRegressor().fit(*_dated(rng, 100, levels))
    path = tmp_path / "drift.json"
    monitor = DriftMonitor(DATE_SPEC, model, check_constraints=False, state_path=path)
    with pytest.raises(DataError, match=r"X_batch\['g'\].*Decimal") as err:
        monitor.update(*_dated(rng, 30, levels))
    assert "cannot store" in str(err.value)
    assert monitor.n_batches == 0 and not path.exists()
    DriftMonitor(DATE_SPEC, model, check_constraints=False).update(*_dated(rng, 30, levels))  # no state: monitored


# ---------------------------------------------------------------------- a baseline that predicts NaN
def test_a_baseline_predicting_nan_skips_the_loss_test_with_a_warning(linear):
    """A NaN baseline prediction made the loss test's p-value NaN, which never alerts: a planted flip went
    unreported without a word. Now the loss test is reported as skipped, as a warning."""
    from sklearn.linear_model import Ridge

    from priorml.errors import DataWarning

    class NanBaseline(Ridge):
        def predict(self, X):
            out = super().predict(X)
            out[0] = np.nan
            return out

    monitor = DriftMonitor(SPEC, linear, check_constraints=False, baseline=NanBaseline())
    rng = np.random.default_rng(7)
    monitor.update(*_regression(rng, 60))
    with pytest.warns(DataWarning, match="loss test skipped: the baseline.*1 non-finite prediction"):
        status = monitor.update(*_regression(rng, 60))
    assert status.p_value is None and status.baseline_loss is None and status.n_tests == 0
    h = monitor.history
    assert "non-finite" in h.loc[1, "warnings"] and np.isnan(h.loc[1, "p_value"])


def test_loading_with_an_unfitted_model_blames_the_model_not_the_file(linear, tmp_path):
    from sklearn.linear_model import LinearRegression

    from priorml.errors import SpecError

    monitor = DriftMonitor(SPEC, linear, check_constraints=False)
    monitor.update(*_regression(np.random.default_rng(8), 30))
    path = monitor.save(tmp_path / "drift.json")
    with pytest.raises(SpecError, match="unfitted LinearRegression") as err:
        DriftMonitor.load(path, LinearRegression())
    assert not isinstance(err.value, ModelFormatError) and "holds invalid settings" not in str(err.value)


def test_a_custom_baseline_that_cannot_read_the_columns_is_a_clear_error_and_the_batch_is_not_recorded():
    from sklearn.linear_model import Ridge

    from priorml import LatticeRegressor, PriorMLError

    rng = np.random.default_rng(3)
    spec = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical"}}}

    def batch(n=40):
        X = pd.DataFrame({"a": rng.uniform(0, 1, n), "g": rng.choice(["x", "y"], n)})
        return X, (X["a"] + (X["g"] == "y")).to_numpy() + rng.normal(0, 0.1, n)

    X0, y0 = batch(80)
    model = LatticeRegressor(spec, model="linear", epochs=5, validation_fraction=0.0, random_state=0).fit(X0, y0)
    monitor = DriftMonitor(spec, model, baseline=Ridge(), check_constraints=False)
    monitor.update(*batch())
    with pytest.raises(PriorMLError, match=r"baseline Ridge could not be refit.*ValueError.*Pipeline") as info:
        monitor.update(*batch())  # was: scikit-learn's raw ValueError (text in a numeric model)
    assert not isinstance(info.value, ValueError)
    assert monitor.n_batches == 1


def _cat_batch(rng, n, levels=("p", "q")):
    X = pd.DataFrame({"a": rng.uniform(size=n), "g": rng.choice(list(levels), n)})
    return X, 2 * X["a"].to_numpy() + (X["g"] == "q").to_numpy() * 0.5 + rng.normal(0, 0.3, n)


def test_a_level_the_model_never_learnt_leaves_its_rows_out_with_a_warning():
    """A category none of the earlier batches held (no declared categories) is documented as a warning, the
    batch tested as usual; a priorml model, which refuses a level it was not fitted on, made update raise and
    the batch was lost. Its rows are now left out of the model's loss, with a warning naming them."""
    import priorml

    rng = np.random.default_rng(0)
    spec = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical"}}}
    model = priorml.LatticeRegressor(spec, model="linear", epochs=20).fit(*_cat_batch(rng, 200))
    mon = DriftMonitor(spec, model, check_constraints=False)
    mon.update(*_cat_batch(rng, 60))
    X, y = _cat_batch(rng, 60, levels=("p", "q", "r"))
    k = int((X["g"] == "r").sum())
    with pytest.warns(UserWarning, match=r"levels the monitored model was not fitted on"):
        status = mon.update(X, y)
    assert mon.n_batches == 2 and np.isfinite(status.model_loss) and status.n_rows == 60
    assert any(f"cannot predict the {k} row(s) holding levels the model was not fitted on" in n for n in status.notes)
    assert any(f"X_batch['g'] holds ['r'] ({k} rows)" in w for w in status.warnings)


def test_a_model_that_cannot_predict_a_batch_is_a_data_error_naming_it():
    """A scikit-learn pipeline refusing an unknown category gave its raw ValueError."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(1)
    spec = {"features": {"a": {"monotonic": "increasing"}, "g": {"type": "categorical"}}}
    model = make_pipeline(make_column_transformer((OneHotEncoder(), ["g"]), remainder="passthrough"),
                          LinearRegression()).fit(*_cat_batch(rng, 100))
    mon = DriftMonitor(spec, model, check_constraints=False)
    mon.update(*_cat_batch(rng, 40))
    with pytest.raises(DataError, match=r"model: expected predictions for the rows of X_batch; got ValueError: "
                                        r"Found unknown categories.*handle_unknown='ignore'.*not recorded"):
        mon.update(*_cat_batch(rng, 40, levels=("p", "q", "r")))
    assert mon.n_batches == 1
