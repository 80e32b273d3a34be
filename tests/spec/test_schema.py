"""Keypoints and the fitted data schema: imputation, category matching, encoding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorml import Spec
from priorml.spec.schema import Schema, check_target, compute_keypoints


# ---------------------------------------------------------------------- compute_keypoints
def test_heavy_ties_still_spread_keypoints_over_the_range():
    rng = np.random.default_rng(0)
    values = np.r_[np.zeros(180), rng.uniform(0, 10, 20)]  # 90% zeros
    kp = compute_keypoints(values, 10)
    assert kp.size == 10
    assert kp[0] == 0.0 and kp[-1] == values.max()
    assert np.sum(kp == 0.0) == 1  # plain quantiles would put 9 of the 10 keypoints at 0
    np.testing.assert_allclose(kp, np.quantile(np.unique(values), np.linspace(0, 1, 10)))


@pytest.mark.parametrize("values, expected", [
    ([0, 1] * 50, [0.0, 1.0]),
    ([3, 1, 2] * 40, [1.0, 2.0, 3.0]),
    ([0.5, 0.5, 7.0], [0.5, 7.0]),
])
def test_few_distinct_values_give_one_keypoint_per_value(values, expected):
    kp = compute_keypoints(np.asarray(values, dtype=float), 10)
    assert kp.tolist() == expected


def test_constant_column_gets_two_keypoints_around_the_value():
    kp = compute_keypoints(np.full(30, 5.0), 10)
    assert kp.tolist() == [4.5, 5.5]


def test_clip_range_is_respected():
    rng = np.random.default_rng(1)
    wide = compute_keypoints(rng.uniform(-5, 15, 200), 6, clip=(0.0, 10.0))
    assert wide[0] == 0.0 and wide[-1] == 10.0 and wide.size == 6
    narrow = compute_keypoints(rng.uniform(3, 5, 200), 6, clip=(0.0, 10.0))  # data inside the clip range
    assert narrow[0] == 0.0 and narrow[-1] == 10.0
    assert np.all((narrow[1:-1] >= 3) & (narrow[1:-1] <= 5))  # the inner keypoints follow the data


def test_non_finite_values_are_ignored():
    assert compute_keypoints(np.array([1.0, np.nan, 2.0, np.inf, 3.0]), 5).tolist() == [1.0, 2.0, 3.0]
    assert compute_keypoints(np.array([np.nan, np.nan]), 5).tolist() == [0.0, 1.0]
    assert compute_keypoints(np.array([np.nan]), 5, clip=(2.0, 4.0)).tolist() == [2.0, 4.0]


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
       n=st.integers(2, 12))
def test_keypoints_are_strictly_increasing_and_cover_the_data(values, n):
    vals = np.asarray(values)
    kp = compute_keypoints(vals, n)
    assert kp.dtype == np.float64 and 2 <= kp.size <= n
    assert np.all(np.diff(kp) > 0)
    assert kp[0] <= vals.min() and kp[-1] >= vals.max()
    assert kp.size <= max(2, np.unique(vals).size)


# ---------------------------------------------------------------------- numeric features in the schema
def test_explicit_keypoints_are_used_and_inputs_clipped_to_them():
    spec = Spec.from_dict({"features": {"x": {"keypoints": [0, 1, 5]}}})
    X = pd.DataFrame({"x": [-3.0, 0.5, 2.0, 9.0]})
    schema = Schema.fit(spec, X)
    assert schema["x"].keypoints.tolist() == [0.0, 1.0, 5.0]
    assert schema.transform(spec, X)[:, 0].tolist() == [0.0, 0.5, 2.0, 5.0]


def test_requested_keypoint_count_is_used():
    spec = Spec.from_dict({"features": {"x": {"keypoints": 4}}})
    schema = Schema.fit(spec, pd.DataFrame({"x": np.arange(100.0)}))
    assert schema["x"].keypoints.tolist() == [0.0, 33.0, 66.0, 99.0]


def test_clip_applies_to_keypoints_and_inputs():
    spec = Spec.from_dict({"features": {"x": {"clip": [0, 10]}}})
    schema = Schema.fit(spec, pd.DataFrame({"x": [-50.0, 1.0, 2.0, 50.0]}))
    assert (schema["x"].lo, schema["x"].hi) == (0.0, 10.0)
    assert schema.transform(spec, pd.DataFrame({"x": [-1.0, 5.0, 11.0]}))[:, 0].tolist() == [0.0, 5.0, 10.0]


@pytest.mark.parametrize("missing, fill", [("median", 3.0), ("mean", 14 / 3), ("min", 1.0), ("max", 10.0), (-1, -1.0)])
def test_missing_values_are_imputed_from_training_data(missing, fill):
    spec = Spec.from_dict({"features": {"x": {"missing": missing}}})
    train = pd.DataFrame({"x": [1.0, np.nan, 3.0, 10.0]})
    schema = Schema.fit(spec, train)
    assert schema["x"].fill == pytest.approx(fill)
    out = schema.transform(spec, pd.DataFrame({"x": [np.nan, 2.0, None]}))
    expected_fill = np.clip(fill, schema["x"].lo, schema["x"].hi)  # imputed values are clipped like any other
    np.testing.assert_allclose(out[:, 0], [expected_fill, 2.0, expected_fill])


def test_median_imputation_with_an_object_column_holding_none():
    spec = Spec.from_dict({"features": {"x": {"missing": "median"}}})
    col = np.array([1, None, 2, 30], dtype=object)
    schema = Schema.fit(spec, col.reshape(-1, 1))
    assert schema["x"].fill == 2.0
    assert schema.transform(spec, col.reshape(-1, 1))[:, 0].tolist() == [1.0, 2.0, 2.0, 30.0]


def test_numbers_written_as_text_are_read_as_numbers():
    spec = Spec.from_dict({"features": {"x": {}}})
    X = np.array([["1.5"], ["2"], ["-3e1"]], dtype=object)
    assert Schema.fit(spec, X).transform(spec, X)[:, 0].tolist() == [1.5, 2.0, -30.0]


# ---------------------------------------------------------------------- categorical features in the schema
@pytest.mark.parametrize("declared, data", [
    ([1, 2, 3], ["1", "2", "3", "1"]),          # YAML ints, CSV strings
    (["1", "2", "3"], [1, 2, 3, 1]),            # the other way round
    ([1, 2, 3], [1.0, 2.0, 3.0, 1.0]),          # a float column (e.g. read with NaNs elsewhere)
], ids=["int declared, str data", "str declared, int data", "int declared, float data"])
def test_categories_are_matched_by_text(declared, data):
    spec = Spec.from_dict({"features": {"origin": {"type": "categorical", "categories": declared}}})
    X = pd.DataFrame({"origin": data})
    schema = Schema.fit(spec, X)
    assert schema["origin"].categories == tuple(declared)
    assert schema.transform(spec, X)[:, 0].tolist() == [0.0, 1.0, 2.0, 0.0]


def test_missing_category_bucket():
    spec = Spec.from_dict({"features": {"g": {"type": "categorical", "categories": ["a", "b"], "missing": "category"}}})
    X = pd.DataFrame({"g": ["a", None, "b", np.nan]})
    schema = Schema.fit(spec, X)
    fs = schema["g"]
    assert fs.missing_bucket and fs.n_buckets == 3
    assert schema.transform(spec, X)[:, 0].tolist() == [0.0, 2.0, 1.0, 2.0]


def test_missing_mode_uses_the_most_frequent_category():
    spec = Spec.from_dict({"features": {"g": {"type": "categorical", "missing": "mode"}}})
    X = pd.DataFrame({"g": ["a", "b", "b", None]})
    schema = Schema.fit(spec, X)
    assert schema["g"].categories == ("a", "b") and schema["g"].fill_code == 1
    assert schema.transform(spec, pd.DataFrame({"g": [None, "a"]}))[:, 0].tolist() == [1.0, 0.0]


def test_learnt_categories_put_ordered_ones_first_then_the_rest_sorted():
    spec = Spec.from_dict({"features": {"grade": {"type": "categorical", "order": ["low", "mid", "high"]}}})
    schema = Schema.fit(spec, pd.DataFrame({"grade": ["zeta", "high", "alpha", "low", "mid"]}))
    assert schema["grade"].categories == ("low", "mid", "high", "alpha", "zeta")


def test_learnt_numeric_categories_sort_numerically():
    spec = Spec.from_dict({"features": {"n": {"type": "categorical"}}})
    schema = Schema.fit(spec, pd.DataFrame({"n": [10, 2, 1, 2]}))
    assert schema["n"].categories == (1, 2, 10)


# ---------------------------------------------------------------------- input layout
def test_dataframe_columns_matched_by_name_extra_columns_ignored():
    spec = Spec.from_dict({"features": {"a": {}, "g": {"type": "categorical"}}})
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "g": ["x", "y", "x"], "noise": [9, 9, 9]})
    schema = Schema.fit(spec, X)
    expected = schema.transform(spec, X)
    shuffled = X[["noise", "g", "a"]]
    np.testing.assert_array_equal(schema.transform(spec, shuffled), expected)
    np.testing.assert_array_equal(schema.transform(spec, X[["a", "g"]].to_numpy(dtype=object)), expected)


def test_integer_column_labels_match_feature_names_by_text():
    spec = Spec.unconstrained(["0", "1"])
    X = pd.DataFrame(np.arange(6.0).reshape(3, 2))  # columns are the integers 0 and 1
    schema = Schema.fit(spec, X)
    np.testing.assert_array_equal(schema.transform(spec, X), X.to_numpy())


def test_schema_dict_round_trip_transforms_identically():
    spec = Spec.from_dict({"features": {"x": {"missing": "median"}, "g": {"type": "categorical", "missing": "mode"}}})
    X = pd.DataFrame({"x": [1.0, np.nan, 5.0, 7.0], "g": ["a", "b", None, "b"]})
    schema = Schema.fit(spec, X, np.array([1.0, 2.0, 3.0, 4.0]))
    again = Schema.from_dict(schema.to_dict())
    np.testing.assert_array_equal(again.transform(spec, X), schema.transform(spec, X))
    assert (again.y_mean, again.y_scale, again.n_rows) == (schema.y_mean, schema.y_scale, 4)


# ---------------------------------------------------------------------- target
def test_target_scaling_round_trips_and_constant_target_is_safe():
    spec = Spec.unconstrained(["x"])
    X = np.arange(4.0).reshape(-1, 1)
    y = np.array([2.0, 4.0, 6.0, 8.0])
    schema = Schema.fit(spec, X, y)
    assert schema.y_mean == 5.0 and schema.y_scale == pytest.approx(np.std(y))
    np.testing.assert_allclose(schema.unscale_y(schema.scale_y(y)), y)
    assert Schema.fit(spec, X, np.full(4, 3.0)).y_scale == 1.0


def test_a_target_in_tiny_units_is_scaled_by_its_own_spread():
    spec = Spec.unconstrained(["x"])
    X = np.arange(4.0).reshape(-1, 1)
    tiny = np.array([1.0, 2.0, 3.0, 4.0]) * 1e-13  # was: left unscaled (sd below an absolute 1e-12), so unlearnable
    assert Schema.fit(spec, X, tiny).y_scale == pytest.approx(np.std(tiny))
    assert Schema.fit(spec, X, np.full(4, 1e-13)).y_scale == 1.0  # constant: unscaled


def test_check_target_accepts_a_column_vector_and_labels():
    np.testing.assert_array_equal(check_target(np.array([[1.0], [2.0]]), "regression", 2), [1.0, 2.0])
    assert check_target(["no", "yes"], "classification", 2).tolist() == ["no", "yes"]
