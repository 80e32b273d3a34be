"""LatticeRegressor and LatticeClassifier: persistence, scikit-learn tooling, input layouts, labels, fit quality."""

from __future__ import annotations

import json
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import priorml
from priorml import LatticeClassifier, LatticeRegressor, ModelFormatError, Spec


SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "c": {}}}


# Fitted once per module: the tests below only read them.
@pytest.fixture(scope="module")
def fitted_regressor(monotone_data, fast_settings):
    X, y = monotone_data
    spec = dict(SPEC, output={"min": -3, "max": 5})
    return LatticeRegressor(spec, model="lattice", **fast_settings).fit(X, y)


@pytest.fixture(scope="module")
def fitted_classifier(binary_data, fast_settings):
    X, y = binary_data
    return LatticeClassifier(SPEC, model="linear", **fast_settings).fit(X, np.where(y == 1, "yes", "no"))


# ---------------------------------------------------------------------- clone
def test_clone_copies_parameters_and_drops_fitted_state(fitted_regressor):
    twin = clone(fitted_regressor)
    assert twin.get_params().keys() == fitted_regressor.get_params().keys()
    for name, value in fitted_regressor.get_params().items():
        assert twin.get_params()[name] == value, name
    assert not hasattr(twin, "spec_") and not hasattr(twin, "program_")
    with pytest.raises(NotFittedError):
        twin.predict(pd.DataFrame({"a": [0.5], "b": [0.5], "c": [0.0]}))


def test_constructor_stores_arguments_unchanged(monotone_spec):
    est = LatticeRegressor(monotone_spec, model="ensemble", epochs=7)
    assert est.spec is monotone_spec and est.model == "ensemble" and est.epochs == 7


# ---------------------------------------------------------------------- pickle, joblib, save/load
def test_pickle_round_trip_gives_identical_predictions(fitted_regressor, monotone_data):
    X, _ = monotone_data
    again = pickle.loads(pickle.dumps(fitted_regressor))
    np.testing.assert_array_equal(again.predict(X), fitted_regressor.predict(X))


def test_joblib_round_trip_gives_identical_predictions(fitted_classifier, binary_data, tmp_path):
    X, _ = binary_data
    joblib.dump(fitted_classifier, tmp_path / "model.joblib")
    again = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(again.predict_proba(X), fitted_classifier.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), fitted_classifier.predict(X))


@pytest.mark.parametrize("which", ["regressor", "classifier"])
def test_save_and_load_give_identical_predictions(which, fitted_regressor, fitted_classifier, monotone_data, tmp_path):
    est = fitted_regressor if which == "regressor" else fitted_classifier
    X, _ = monotone_data
    est.save(tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["arrays.npz", "priorml.json", "spec.yaml"]
    loaded = priorml.load(tmp_path / "model")
    assert type(loaded) is type(est)
    assert loaded.spec_ == est.spec_ and loaded.model_type_ == est.model_type_
    assert {k: v for k, v in loaded.get_params().items() if k != "spec"} == \
        {k: v for k, v in est.get_params().items() if k != "spec"}
    np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if which == "classifier":
        np.testing.assert_array_equal(loaded.classes_, est.classes_)
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_saved_metadata_is_documented_json(fitted_regressor, tmp_path):
    fitted_regressor.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "priorml.json").read_text())
    assert (meta["format"], meta["format_version"], meta["estimator"]) == ("priorml-model", 1, "LatticeRegressor")
    assert "numpy" in meta["versions"] and "tensorflow" in meta["versions"]
    assert Spec.from_yaml(tmp_path / "m" / "spec.yaml") == fitted_regressor.spec_


def test_save_replaces_an_earlier_model(fitted_regressor, fitted_classifier, tmp_path):
    fitted_regressor.save(tmp_path / "m")
    fitted_classifier.save(tmp_path / "m")
    assert type(priorml.load(tmp_path / "m")) is LatticeClassifier


def test_save_refuses_to_overwrite_a_foreign_directory(fitted_regressor, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    with pytest.raises(ModelFormatError, match="is not a priorml model directory; refusing to overwrite it"):
        fitted_regressor.save(tmp_path / "docs")
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["docs"]  # no temporary directory left behind


def test_save_an_unfitted_estimator_fails(tmp_path):
    with pytest.raises(NotFittedError):
        LatticeRegressor().save(tmp_path / "m")


def _corrupt(kind: str, root) -> None:
    if kind == "garbage metadata":
        (root / "priorml.json").write_text("{not json at all")
    elif kind == "missing arrays":
        (root / "arrays.npz").unlink()
    elif kind == "missing metadata":
        (root / "priorml.json").unlink()
    elif kind == "missing spec":
        (root / "spec.yaml").unlink()
    elif kind == "wrong weights":
        np.savez(root / "arrays.npz", w0=np.zeros(3))
    elif kind == "foreign json":
        (root / "priorml.json").write_text(json.dumps({"format": "something-else"}))
    elif kind == "newer format":
        meta = json.loads((root / "priorml.json").read_text())
        meta["format_version"] = 99
        (root / "priorml.json").write_text(json.dumps(meta))
    elif kind == "unknown estimator":
        meta = json.loads((root / "priorml.json").read_text())
        meta["estimator"] = "os.system"
        (root / "priorml.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("kind, message", [
    ("garbage metadata", r"priorml\.json is corrupted"),
    ("missing arrays", r"is corrupted: FileNotFoundError"),
    ("missing metadata", r"is not a priorml model directory: priorml\.json is missing"),
    ("missing spec", r"is corrupted: SpecError"),
    ("wrong weights", r"is corrupted"),
    ("foreign json", r"is not priorml model metadata \(format is 'something-else'\)"),
    ("newer format", r"saved in model format 99, newer than this priorml reads \(1\); upgrade priorml"),
    ("unknown estimator", r"names an unknown estimator 'os\.system'"),
])
def test_corrupted_model_directory(kind, message, fitted_regressor, tmp_path):
    root = tmp_path / "model"
    fitted_regressor.save(root)
    _corrupt(kind, root)
    with pytest.raises(ModelFormatError, match=message) as info:
        priorml.load(root)
    assert str(root) in str(info.value)


def test_load_a_foreign_or_missing_directory(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ModelFormatError, match=r"photos is not a priorml model directory: priorml\.json is missing"):
        priorml.load(tmp_path / "photos")
    with pytest.raises(ModelFormatError, match=r"nowhere is not a directory"):
        priorml.load(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ModelFormatError, match="is not a directory"):
        priorml.load(tmp_path / "file.txt")


# ---------------------------------------------------------------------- scikit-learn tooling
def test_pipeline_with_standard_scaler(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    # The scaler outputs a numpy array, read in spec order; it is increasing, so the constraints keep their meaning.
    pipe = make_pipeline(StandardScaler(), LatticeRegressor(monotone_spec, model="lattice", **fast)).fit(X, y)
    assert pipe.score(X, y) > 0.8
    assert pipe[-1].spec_.feature_names == ("a", "b", "c")


def test_cross_val_score(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    scores = cross_val_score(LatticeRegressor(monotone_spec, model="lattice", **fast), X, y,
                             cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_grid_search_over_learning_rate_and_model(monotone_data, monotone_spec, fast):
    # Few epochs, so that `make test` runs it (9 fits of about a second): the search only has to compare.
    X, y = monotone_data
    fast.pop("learning_rate")
    fast["epochs"] = 8
    grid = {"learning_rate": [0.005, 0.2], "model": ["linear", "lattice"]}
    search = GridSearchCV(LatticeRegressor(monotone_spec, **fast), grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["learning_rate"] in grid["learning_rate"]
    assert search.best_estimator_.model_type_ == search.best_params_["model"]
    assert search.best_estimator_.spec_ == Spec.from_dict(monotone_spec)
    # The scores differ between candidates, so the search actually compared fitted models.
    assert len(set(np.round(search.cv_results_["mean_test_score"], 6))) > 1
    assert search.score(X, y) > 0.5


def test_grid_search_runs_in_make_test():
    # `make test` leaves out the tests marked slow; the GridSearchCV check must not be one of them.
    marks = getattr(test_grid_search_over_learning_rate_and_model, "pytestmark", [])
    assert "slow" not in {m.name for m in marks}


# ---------------------------------------------------------------------- input layouts
def test_dataframe_columns_matched_by_name_in_any_order(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    est = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(X, y)
    expected = est.predict(X)
    shuffled = X[["c", "a", "b"]]
    np.testing.assert_array_equal(est.predict(shuffled), expected)
    # Fitting on shuffled columns with an extra one gives the same model.
    wide = shuffled.assign(id=np.arange(len(X)), note="x")
    again = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(wide, y)
    np.testing.assert_array_equal(again.predict(X), expected)
    # What is recorded is what the model reads, in spec order.
    assert again.feature_names_in_.tolist() == ["a", "b", "c"] and again.n_features_in_ == 3


def test_extra_columns_ignored_at_predict(fitted_regressor, monotone_data):
    X, _ = monotone_data
    np.testing.assert_array_equal(fitted_regressor.predict(X.assign(extra=1.0)), fitted_regressor.predict(X))


def test_numpy_arrays_are_read_in_spec_order(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    from_df = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(X, y)
    from_np = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(X.to_numpy(), y)
    assert not hasattr(from_np, "feature_names_in_") and from_np.n_features_in_ == 3
    np.testing.assert_array_equal(from_np.predict(X.to_numpy()), from_df.predict(X))


def test_without_spec_fitted_on_an_array_a_dataframe_is_read_by_position(monotone_data, fast):
    X, y = monotone_data
    est = LatticeRegressor(model="linear", **fast).fit(X.to_numpy(), y)
    with pytest.warns(UserWarning, match="X has feature names, but LatticeRegressor was fitted without feature names"):
        from_frame = est.predict(X)  # columns a, b, c: none is named x0, x1, x2
    np.testing.assert_array_equal(from_frame, est.predict(X.to_numpy()))
    with pytest.raises(ValueError, match="X has 2 features"):
        est.predict(X[["a", "b"]])


def test_without_spec_columns_are_unconstrained_numeric(monotone_data, fast):
    X, y = monotone_data
    est = LatticeRegressor(model="linear", **fast).fit(X.to_numpy(), y)
    assert est.spec_ == Spec.unconstrained(["x0", "x1", "x2"])
    named = LatticeRegressor(model="linear", **fast).fit(X, y)
    assert named.spec_.feature_names == ("a", "b", "c")


# ---------------------------------------------------------------------- classifier labels
@pytest.mark.parametrize("labels", [("no", "yes"), (False, True), (-1, 1)], ids=["str", "bool", "int"])
def test_classifier_label_types(labels, binary_data, monotone_spec, fast):
    X, y01 = binary_data
    y = np.array(labels, dtype=object if isinstance(labels[0], str) else type(labels[0]))[y01]
    clf = LatticeClassifier(monotone_spec, model="linear", **fast).fit(X, y)
    assert clf.classes_.tolist() == list(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all((proba >= 0) & (proba <= 1))
    pred = clf.predict(X)
    assert set(pred.tolist()) <= set(labels)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    majority = max(np.mean(y01), 1 - np.mean(y01))
    assert clf.score(X, y) > majority + 0.2  # learnt something beyond the base rate


def test_decision_function_is_the_logit_of_predict_proba(fitted_classifier, binary_data):
    X, _ = binary_data
    p = fitted_classifier.predict_proba(X)[:, 1]
    np.testing.assert_allclose(fitted_classifier.decision_function(X), np.log(p / (1 - p)), rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_predictions(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    fast.update(random_state=3)
    first = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(X, y).predict(X)
    second = LatticeRegressor(monotone_spec, model="lattice", **fast).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)
    other = LatticeRegressor(monotone_spec, model="lattice", **dict(fast, random_state=4)).fit(X, y).predict(X)
    assert not np.array_equal(first, other)  # the seed is actually used


def test_same_seed_gives_identical_early_stopping(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    fast.update(validation_fraction=0.2, patience=3, random_state=3)
    first = LatticeRegressor(monotone_spec, model="linear", **fast).fit(X, y)
    second = LatticeRegressor(monotone_spec, model="linear", **fast).fit(X, y)
    assert first.n_epochs_ == second.n_epochs_ and 1 <= first.n_epochs_ <= fast["epochs"]
    assert first.program_.history["val_loss"] == second.program_.history["val_loss"]
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


# ---------------------------------------------------------------------- fit quality and constraints
@pytest.mark.parametrize("model", ["linear", "lattice", "ensemble"])
def test_each_model_type_beats_the_mean_and_keeps_its_constraints(model, monotone_data, monotone_spec, fast):
    X, y = monotone_data
    est = LatticeRegressor(monotone_spec, model=model, **fast).fit(X, y)
    assert est.model_type_ == model
    assert r2_score(y, est.predict(X)) > 0.8  # predicting the mean scores 0
    # Sweep each monotone feature with the others fixed at a few rows.
    grid = np.linspace(-0.2, 1.2, 40)  # beyond the training range too
    for row in X.iloc[:5].itertuples(index=False):
        for name, sign in (("a", 1), ("b", -1)):
            sweep = pd.DataFrame({"a": row.a, "b": row.b, "c": row.c}, index=range(len(grid)))
            sweep[name] = grid
            steps = np.diff(est.predict(sweep))
            assert np.all(sign * steps >= -1e-6), (name, steps)
    # ... and the model is not trivially flat along them (true effects: +3 for a, -2 for b).
    assert np.mean(est.predict(X.assign(a=1.0)) - est.predict(X.assign(a=0.0))) > 2.0
    assert np.mean(est.predict(X.assign(b=1.0)) - est.predict(X.assign(b=0.0))) < -1.0


def test_output_bounds_hold_far_outside_the_data(fitted_regressor):
    far = pd.DataFrame({"a": [-100.0, 100.0, 100.0], "b": [-100.0, -100.0, 100.0], "c": [50.0, -50.0, 0.0]})
    pred = fitted_regressor.predict(far)
    assert np.all((pred >= -3) & (pred <= 5))


@pytest.mark.parametrize("model", ["linear", "lattice"])
def test_a_shaped_effect_is_constant_beyond_its_keypoints(model, monotone_data, fast):
    """Inputs are clipped to the keypoint range (guide, section 2, "Where the guarantees hold"):
    beyond it the prediction stays at its value at the nearest end, so monotonicity holds for
    any input while a convex effect is flat there, and its curvature holds on the range only."""
    X, y = monotone_data
    spec = {"features": {"a": {"monotonic": "increasing", "shape": "convex"}, "b": {"monotonic": "decreasing"},
                         "c": {}}}
    est = LatticeRegressor(spec, model=model, **fast).fit(X, y)
    kp = est.schema_["a"].keypoints
    rows = X.iloc[:5]
    for end, beyond in ((kp[0], kp[0] - 5.0), (kp[-1], kp[-1] + 5.0)):
        np.testing.assert_allclose(est.predict(rows.assign(a=beyond)), est.predict(rows.assign(a=end)), atol=1e-6)
    assert np.all(est.predict(rows.assign(a=kp[-1])) - est.predict(rows.assign(a=kp[0])) > 1.0)  # not flat inside


def test_auto_model_records_its_choice(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    est = LatticeRegressor(monotone_spec, model="auto", **fast).fit(X.iloc[:60], y[:60])
    assert est.model_type_ == "linear"  # tiny data -> calibrated linear
    assert est.n_epochs_ == fast["epochs"]  # no validation split: every epoch is used


@pytest.mark.parametrize("d, n, trust, task, expected", [
    (3, 99, False, "regression", "linear"), (3, 100, False, "regression", "lattice"),
    (8, 150, False, "regression", "linear"), (8, 4999, False, "regression", "linear"),
    (8, 5000, False, "regression", "ensemble"), (6, 5000, False, "regression", "lattice"),
    (3, 50, True, "regression", "lattice"), (9, 50, True, "regression", "ensemble"),
    # classifiers with many features: an ensemble from 100 to 200 rows (CV on training rows, RESULTS.md)
    (8, 99, False, "classification", "linear"), (8, 100, False, "classification", "ensemble"),
    (8, 200, False, "classification", "ensemble"), (8, 201, False, "classification", "linear"),
    (8, 5000, False, "classification", "ensemble"), (6, 150, False, "classification", "lattice"),
])
def test_auto_model_rule(d, n, trust, task, expected):
    from priorml import Spec
    from priorml.backends.lattice.compiler import choose_model_type

    feats = {f"x{i}": {"monotonic": "increasing"} for i in range(d)}
    inter = [{"trust": "edgeworth", "feature": "x0", "by": "x1", "direction": "positive"}] if trust else []
    spec = Spec.from_dict({"task": task, "features": feats, "interactions": inter})
    assert choose_model_type(spec, n) == expected


@pytest.mark.parametrize("d, lattice_size, trust", [(6, 6, False), (8, 4, True), (3, 40, False)])
def test_auto_model_never_picks_a_lattice_the_backend_refuses(d, lattice_size, trust):
    from priorml.backends.lattice.compiler import MAX_LATTICE_VERTICES, choose_model_type, verify_spec

    feats = {f"x{i}": {"monotonic": "increasing"} for i in range(d)}
    inter = [{"trust": "edgeworth", "feature": "x0", "by": "x1", "direction": "positive"}] if trust else []
    spec = Spec.from_dict({"features": feats, "interactions": inter})
    assert lattice_size ** d > MAX_LATTICE_VERTICES
    assert choose_model_type(spec, 150, lattice_size) == "ensemble"
    verify_spec(spec, "ensemble", lattice_size)  # accepted
    with pytest.raises(priorml.SpecError, match="model='auto' \\(which never picks a lattice this large\\)"):
        verify_spec(spec, "lattice", lattice_size)
    assert choose_model_type(spec, 150, 2) == "lattice"  # small enough with the default size


def test_auto_model_with_a_large_lattice_size_fits(fast):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(size=(150, 6)), columns=[f"f{i}" for i in range(6)])
    y = X.sum(axis=1).to_numpy()
    spec = Spec.from_dict({"features": {f"f{i}": {"monotonic": 1} for i in range(6)}})
    est = LatticeRegressor(spec, model="auto", lattice_size=6, **dict(fast, epochs=1)).fit(X, y)
    assert est.model_type_ == "ensemble"


def test_certificate_of_a_flat_prediction_shows_no_negative_zero(fitted_regressor, monotone_data):
    X, _ = monotone_data
    flat = pickle.loads(pickle.dumps(fitted_regressor))
    flat.predict = lambda Z: np.zeros(len(Z))  # the prediction does not move: every difference is 0
    cert = priorml.certify(flat, X, n_rows=5)
    worst = [row.max_violation for row in cert.rows if row.constraint == "monotonic"]
    assert worst == [0.0, 0.0] and not any(np.signbit(worst))
    assert "-0" not in str(cert)


# ---------------------------------------------------------------------- early-stopping rules (no TensorFlow)
def test_stop_point_waits_for_patience_after_the_minimum():
    from priorml.backends.lattice.program import stop_point

    curve = np.array([5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    assert stop_point(curve, patience=3, min_epochs=1) == 5  # best at epoch 2, three epochs without improvement
    assert stop_point(curve, patience=3, min_epochs=4) == 7  # epochs before the 4th do not count
    assert stop_point(curve[:4], patience=3, min_epochs=1) is None  # not yet: train on
    # Checking after every epoch or once at the end gives the same answer (chunked training is exact).
    assert [stop_point(curve[:t], 3, 1) for t in range(1, 9)] == [None] * 4 + [5] * 4


def test_choose_epochs_respects_the_minimum():
    from priorml.backends.lattice.program import choose_epochs

    curve = np.array([3.0, 0.5, 2.0, 1.0, 1.5])
    assert choose_epochs(curve, 1) == 2
    assert choose_epochs(curve, 3) == 4
    assert choose_epochs(curve, 99) == 5  # a minimum beyond the curve takes the last epoch


def test_validation_splits_are_disjoint_blocks():
    from priorml.backends.lattice.program import validation_splits

    blocks = validation_splits(100, 0.2, 3, np.random.default_rng(0))
    assert [len(b) for b in blocks] == [20, 20, 20]
    assert len(np.unique(np.concatenate(blocks))) == 60
    assert [b.tolist() for b in validation_splits(100, 0.2, 3, np.random.default_rng(0))] == [b.tolist() for b in blocks]


# ---------------------------------------------------------------------- early stopping in a fit
def test_early_stopping_averages_the_splits_and_keeps_the_minimum(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    fast.update(epochs=12, validation_fraction=0.2, validation_splits=2, patience=2, min_epochs=8)
    state = np.random.get_state()
    est = LatticeRegressor(monotone_spec, model="linear", **fast).fit(X, y)
    assert _same_rng_state(state, np.random.get_state())  # the caller's global NumPy RNG is left alone
    hist = est.program_.history
    assert len(hist["val_loss_splits"]) == 2
    np.testing.assert_allclose(hist["val_loss"], np.mean(hist["val_loss_splits"], axis=0))
    assert 8 <= est.n_epochs_ <= 12
    assert est.n_epochs_ == 8 + int(np.argmin(hist["val_loss"][7:]))
    assert len(hist["loss"]) == est.n_epochs_  # the refit ran exactly the chosen epochs
    assert r2_score(y, est.predict(X)) > 0.8


def test_without_refit_the_first_split_model_is_kept(monotone_data, monotone_spec, fast):
    X, y = monotone_data
    fast.update(epochs=10, validation_fraction=0.25, validation_splits=1, patience=3, min_epochs=1)
    kept = LatticeRegressor(monotone_spec, model="linear", refit=False, **fast).fit(X, y)
    refit = LatticeRegressor(monotone_spec, model="linear", **fast).fit(X, y)
    assert kept.n_epochs_ == refit.n_epochs_ and len(kept.program_.history["loss"]) == kept.n_epochs_
    assert not np.array_equal(kept.predict(X), refit.predict(X))  # trained on 75 % of the rows, not all
    assert r2_score(y, kept.predict(X)) > 0.8


def _same_rng_state(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def test_clamped_curved_calibrator_reaches_both_ends_exactly(monotone_data, fast):
    # Trapezoid trust compares the ends of the main feature's range, so its calibrator must span the
    # lattice axis exactly; TFL's convexity projection alone leaves the far end off by ~1e-4.
    X, y = monotone_data
    spec = {"features": {"a": {"monotonic": "increasing", "shape": "convex"}, "b": {"monotonic": "decreasing"}, "c": {}},
            "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b", "direction": "positive"}]}
    est = LatticeRegressor(spec, model="lattice", **fast).fit(X, y)
    kernel = est.program_.model.get_layer("calib_0").get_weights()[0].ravel()
    assert kernel[0] == 0.0 and abs(kernel.sum() - 1.0) < 1e-6 and np.all(kernel[1:] >= 0)
    layer = est.program_.model.get_layer("calib_0")
    slopes = kernel[1:] / np.diff(np.asarray(layer.input_keypoints, dtype=float))
    assert np.all(np.diff(slopes) >= -1e-5 * slopes.max())  # still convex: slopes grow
    assert priorml.certify(est, X, n_rows=40).passed  # every constraint, trust included


def test_calibrated_linear_fits_a_free_non_monotone_effect():
    """A free feature's calibrator in the calibrated linear model must be able to follow a sine over
    its whole range (a calibrator bounded to [0, 1] stayed flat: MSE to the truth about 1.1)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(0, 1, (200, 3)), columns=["a", "b", "z"])
    truth = 2 * X["a"] - X["b"] + 1.5 * np.sin(2 * np.pi * X["z"])
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "z": {}}}
    est = LatticeRegressor(spec, model="linear", epochs=150, validation_fraction=0.0, learning_rate=0.02,
                           random_state=0).fit(X, truth + rng.normal(0, 0.5, len(X)))
    grid = np.linspace(0.02, 0.98, 49)
    sweep = pd.DataFrame({"a": 0.5, "b": 0.5, "z": grid})
    effect = est.predict(sweep)
    assert np.corrcoef(effect, np.sin(2 * np.pi * grid))[0, 1] > 0.95
    assert np.ptp(effect) > 2.0  # true peak-to-trough: 3.0
    assert np.mean((est.predict(X) - truth) ** 2) < 0.25


@pytest.mark.parametrize("monotonicity, kernel", [("increasing", [-0.1, 0.6, 0.4, 0.3]),
                                                  ("decreasing", [1.05, -0.02, -0.3, -0.5]),
                                                  ("increasing", [0.1, 0.3, 0.2, 0.1])])
def test_final_step_maps_a_calibrator_into_its_bounds_keeping_its_shape(monotonicity, kernel):
    """TFL's bound projection with convexity is inexact; the final step moves the outputs into
    [output_min, output_max] by a positive affine map (so monotonicity and curvature are kept exactly),
    and leaves a calibrator already inside alone."""
    import tensorflow_lattice as tfl

    from priorml.backends.lattice.program import _fit_into_bounds

    layer = tfl.layers.PWLCalibration(input_keypoints=np.array([0.0, 1.0, 2.0, 3.0]), output_min=0.0, output_max=1.0,
                                      monotonicity=monotonicity, convexity="concave")
    layer.build((None, 1))
    layer.kernel.assign(np.array(kernel, dtype=np.float32).reshape(-1, 1))
    _fit_into_bounds(layer)
    new = layer.kernel.numpy().ravel().astype(float)
    old = np.array(kernel)
    values = new[0] + np.concatenate([[0.0], np.cumsum(new[1:])])
    assert values.min() >= -1e-7 and values.max() <= 1 + 1e-7
    scale = new[1:] / old[1:]
    assert np.allclose(scale, scale[0], rtol=1e-5) and scale[0] > 0  # the same positive factor for every step
    before = old[0] + np.concatenate([[0.0], np.cumsum(old[1:])])
    if before.min() >= 0 and before.max() <= 1:
        assert np.allclose(new, old)
    else:
        assert np.ptp(values) == pytest.approx(min(1.0, np.ptp(before)), rel=1e-5)


# ---------------------------------------------------------------------- calibrated linear under one output bound
def _clamped_pair(n: int = 160, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """y = max(0, 2 a + 2 b - 2): half the rows sit at the lower bound 0."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    return X, np.maximum(0.0, 2 * X["a"] + 2 * X["b"] - 2).to_numpy() + rng.normal(0, 0.02, n)


def _pair_spec(bound: dict, b: dict, interaction: dict) -> dict:
    return {"output": bound, "features": {"a": {"monotonic": "increasing"}, "b": b}, "interactions": [interaction]}


EDGEWORTH = {"trust": "edgeworth", "feature": "a", "by": "b", "direction": "positive"}
RANGE_DOMINANCE = {"dominance": "range", "feature": "a", "over": "b"}


@pytest.mark.parametrize("bound, b, interaction, where", [
    # the clamp max(L, min) is convex: mixed differences take the sign of b's effect
    ({"min": 0}, {"monotonic": "decreasing"}, EDGEWORTH, "interactions[trust a by b]"),
    ({"min": 0}, {}, EDGEWORTH, "interactions[trust a by b]"),
    ({"max": 1}, {"monotonic": "increasing"}, EDGEWORTH, "interactions[trust a by b]"),
    # the clamp cuts a's range at rows where b's is not cut
    ({"min": 0}, {"monotonic": "increasing"}, RANGE_DOMINANCE, "interactions[dominance a over b].dominance"),
    ({"max": 1}, {"monotonic": "increasing"}, RANGE_DOMINANCE, "interactions[dominance a over b].dominance"),
])
def test_linear_model_refuses_interactions_a_one_sided_bound_breaks(bound, b, interaction, where):
    from priorml.backends.lattice.compiler import choose_model_type, verify_spec

    spec = Spec.from_dict(_pair_spec(bound, b, interaction))
    with pytest.raises(priorml.SpecError, match=r"model='linear'") as err:
        verify_spec(spec, "linear")
    assert err.value.problems[0].where == where
    verify_spec(spec, "lattice")  # the lattice's bounds are on its vertex values: accepted
    verify_spec(spec.replace(output={"min": -1, "max": 3}), "linear")  # two bounds: an affine map, accepted
    assert choose_model_type(spec, 50) == "lattice"  # auto never picks the refused linear model


def test_linear_model_under_one_bound_keeps_a_trust_whose_condition_follows_the_clamp(fast):
    """With only a lower bound, edgeworth trust of a by b holds in the linear model when b is increasing
    (the convex clamp only adds positive mixed differences); before, a decreasing b gave the certificate a
    trust violation of about 0.2."""
    X, y = _clamped_pair()
    spec = _pair_spec({"min": 0}, {"monotonic": "increasing"}, EDGEWORTH)
    est = LatticeRegressor(spec, model="linear", **fast).fit(X, y)
    assert (est.predict(X) < 1e-6).mean() > 0.2  # the bound is reached: the clamp is active
    cert = priorml.certify(est, X, n_rows=40)
    assert cert.passed, cert


def test_auto_model_does_not_pick_a_linear_model_it_would_refuse():
    """Below 100 rows auto picks the calibrated linear model, which refuses a concave feature with only a
    lower output bound: auto used to pick it all the same, and fit raised a SpecError."""
    from priorml.backends.lattice.compiler import choose_model_type

    spec = Spec.from_dict({"output": {"min": 0}, "features": {"a": {"monotonic": 1, "shape": "concave"}, "b": {}}})
    assert choose_model_type(spec, 50) == "lattice"
    many = Spec.from_dict({"output": {"min": 0}, "features": {"a": {"monotonic": 1, "shape": "concave"},
                                                               **{f"x{i}": {} for i in range(6)}}})
    assert choose_model_type(many, 50) == "ensemble"
    assert choose_model_type(spec.replace(output=None), 50) == "linear"  # nothing refused: unchanged


def test_auto_model_fits_a_small_spec_with_a_one_sided_bound(fast):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 50)})
    y = np.sqrt(X["a"].to_numpy()) + rng.normal(0, 0.05, 50)
    est = LatticeRegressor({"output": {"min": 0}, "features": {"a": {"monotonic": 1, "shape": "concave"}}},
                           **fast).fit(X, y)
    assert est.model_type_ == "lattice"
    assert priorml.certify(est, X).passed


@pytest.mark.parametrize("output", [None, {"min": -5, "max": 5}])
def test_calibrated_linear_keeps_an_unconstrained_trust_condition_free(output, fast):
    """Trust holds trivially in the additive linear model, so its free condition must stay free. Its
    calibrator used to be forced increasing: the decreasing effect of b stayed flat (R^2 0.38 instead of
    0.99), or, with two bounds (weights >= 0), could only increase."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 160), "b": rng.uniform(0, 1, 160)})
    y = 1 + X["a"].to_numpy() - 1.5 * X["b"].to_numpy() + rng.normal(0, 0.05, 160)
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}, "interactions": [EDGEWORTH]}
    if output:
        spec["output"] = output
    est = LatticeRegressor(spec, model="linear", **dict(fast, epochs=60)).fit(X, y)
    along_b = est.predict(pd.DataFrame({"a": 0.5, "b": [0.05, 0.95]}))
    assert along_b[0] - along_b[1] > 0.6  # true drop: 1.35
    assert priorml.certify(est, X, n_rows=40).passed


@pytest.mark.parametrize("verbose, validation_fraction", [(0, 0.0), (1, 0.0), (1, 0.25), (2, 0.0)])
def test_verbose_prints_training_progress(verbose, validation_fraction, monotone_data, monotone_spec, capsys):
    """``verbose`` is documented; it used to be accepted and ignored."""
    X, y = monotone_data
    LatticeRegressor(monotone_spec, model="linear", epochs=10, validation_fraction=validation_fraction,
                     verbose=verbose).fit(X, y)
    out = capsys.readouterr().out
    if not verbose:
        assert out == ""
        return
    assert "final run: " in out
    assert ("early stopping: " in out) == (validation_fraction > 0)
    assert ("training loss" in out.split("final run")[0]) == (verbose > 1)


def test_predict_proba_has_no_overflow_at_extreme_logits(fitted_classifier, binary_data, monkeypatch):
    """1 / (1 + exp(-d)) overflowed (RuntimeWarning) below a logit of about -709."""
    import warnings

    X, _ = binary_data
    monkeypatch.setattr(fitted_classifier, "decision_function", lambda X_: np.array([-800.0, -30.0, 0.0, 800.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        p = fitted_classifier.predict_proba(X.iloc[:4])
    np.testing.assert_allclose(p[:, 1], [0.0, 1 / (1 + np.exp(30.0)), 0.5, 1.0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_linear_model_enforcement_labels_say_how():
    """A calibrated linear model's dominance rows said 'construction' while their text says the weights are
    projected; its trust text named an output-bound clamp for a spec with no bounds."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(size=60), "b": rng.uniform(size=60)})
    spec = {"features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}},
            "interactions": [{"dominance": "monotonic", "feature": "a", "over": "b"},
                             {"trust": "edgeworth", "feature": "a", "by": "b", "direction": "positive"}]}
    model = priorml.LatticeRegressor(spec, model="linear", epochs=2, validation_fraction=0.0).fit(X, 2 * X["a"] + X["b"])
    rows = {r.constraint: r for r in priorml.certify(model, X, n_rows=10)}
    assert rows["dominance"].enforcement == "projection" and "projected" in rows["dominance"].how
    assert rows["trust"].enforcement == "construction" and "clamp" not in rows["trust"].how
