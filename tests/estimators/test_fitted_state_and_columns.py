"""Fitted state after a failed fit, and how columns are read at predict (all four estimators).

Gaps left by scikit-learn's own checks (test_sklearn_compat.py, test_bayes_sklearn_compat.py) and
test_lattice.py: a fit that fails part way, models fitted on arrays with a spec then given DataFrames,
DataFrames whose column labels are not strings, and the error for a wrong column count at predict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

import priorml
from priorml import BayesianClassifier, BayesianRegressor, DataError, LatticeClassifier, LatticeRegressor

FAST = {"model": "linear", "epochs": 5, "validation_fraction": 0.0, "learning_rate": 0.05, "random_state": 0}


@pytest.fixture(scope="module")
def fitted_on_array(monotone_data):
    """A regressor fitted on a numpy array with a spec: its features are named by the spec."""
    X, y = monotone_data
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "c": {}}}
    return LatticeRegressor(spec, **FAST).fit(X.to_numpy(), y)


# ---------------------------------------------------------------------- a fit that fails
@pytest.mark.parametrize("make", [
    lambda: LatticeRegressor(**FAST),
    lambda: LatticeClassifier(**FAST),
    lambda: BayesianRegressor(method="map", progressbar=False),
    lambda: BayesianClassifier(method="map", progressbar=False),
], ids=["LatticeRegressor", "LatticeClassifier", "BayesianRegressor", "BayesianClassifier"])
def test_predict_after_a_failed_fit_raises_not_fitted(make, monotone_data):
    X, y = monotone_data
    bad = X.copy()
    bad.loc[0, "a"] = np.inf  # refused by the data checks, after n_features_in_ (and classes_) were set
    est = make()
    target = (y > np.median(y)).astype(int) if "Classifier" in type(est).__name__ else y
    with pytest.raises(DataError, match="inf at row 0"):
        est.fit(bad, target)
    with pytest.raises(NotFittedError):  # was: AttributeError ('program_' or 'schema_')
        est.predict(X)


def test_a_failed_refit_does_not_mix_the_earlier_model_with_the_new_labels(monotone_data):
    X, y = monotone_data
    labels = np.where(y > np.median(y), "yes", "no")
    clf = LatticeClassifier(**FAST).fit(X, labels)
    bad = X.copy()
    bad.loc[0, "a"] = np.inf
    with pytest.raises(DataError):
        clf.fit(bad, (labels == "yes").astype(int))
    # was: the model fitted on 'no'/'yes' answering with the failed fit's classes_ [0, 1]
    for method in (clf.predict, clf.predict_proba, clf.decision_function):
        with pytest.raises(NotFittedError):
            method(X)


# ---------------------------------------------------------------------- columns at predict
def test_fitted_on_an_array_with_a_spec_a_dataframe_is_matched_by_name_extra_columns_ignored(fitted_on_array,
                                                                                           monotone_data):
    X, _ = monotone_data
    expected = fitted_on_array.predict(X.to_numpy())
    wide = X[["c", "a", "b"]].assign(id=np.arange(len(X)), note="x")
    with pytest.warns(UserWarning, match="fitted without feature names"):  # scikit-learn's warning is kept
        got = fitted_on_array.predict(wide)  # was: ValueError, X has 5 features
    np.testing.assert_array_equal(got, expected)


def test_non_string_column_labels_with_an_extra_column(monotone_data, tmp_path):
    X, y = monotone_data
    wide = X.assign(d=0.0)
    wide.columns = [0, 1, 2, 3]  # scikit-learn records no feature names for these labels
    spec = {"features": {"0": {}, "1": {}, "2": {}}}
    est = LatticeRegressor(spec, **FAST).fit(wide, y)
    assert est.n_features_in_ == 3 and not hasattr(est, "feature_names_in_")  # was: 4, the columns of X
    expected = est.predict(wide)
    np.testing.assert_array_equal(est.predict(wide[[0, 1, 2]]), expected)  # was: ValueError
    np.testing.assert_array_equal(est.predict(X.to_numpy()), expected)  # spec order; was: ValueError
    est.save(tmp_path / "m")
    np.testing.assert_array_equal(priorml.load(tmp_path / "m").predict(wide), expected)  # was: ModelFormatError


@pytest.mark.parametrize("frame", [False, True], ids=["array", "dataframe-by-position"])
def test_a_wrong_column_count_at_predict_is_a_data_error_naming_x(frame, fitted_on_array, monotone_data):
    X, y = monotone_data
    est = fitted_on_array
    if frame:  # fitted without a spec on an array: DataFrames are read by position
        est = LatticeRegressor(**FAST).fit(X.to_numpy(), y)
    narrow = X[["a", "b"]] if frame else X[["a", "b"]].to_numpy()
    with pytest.raises(DataError, match="X has 2 features, but LatticeRegressor is expecting 3") as info:
        est.predict(narrow)
    assert [p.where for p in info.value.problems] == ["X"]


@pytest.mark.parametrize("make", [lambda: LatticeRegressor(**FAST), lambda: BayesianRegressor(method="map",
                                                                                                progressbar=False)],
                         ids=["LatticeRegressor", "BayesianRegressor"])
def test_column_labels_of_mixed_types_are_a_data_error_naming_x(make, monotone_data):
    X, y = monotone_data
    mixed = X.copy()
    mixed.columns = ["a", 1, 2.5]
    with pytest.raises(DataError, match="astype\\(str\\)") as info:  # was: scikit-learn's TypeError
        make().fit(mixed, y)
    assert [p.where for p in info.value.problems] == ["X"]
    assert list(mixed.columns) == ["a", 1, 2.5]  # the user's frame is unchanged
