"""Saving and loading: what priorml.json records, and a hand-edited or damaged directory caught at load."""

from __future__ import annotations

import json
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml import LatticeClassifier, LatticeRegressor, ModelFormatError, Spec

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}
TINY = {"epochs": 3, "validation_fraction": 0.0, "learning_rate": 0.05, "random_state": 0}


def _data(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    return X, 2 * X["a"].to_numpy() - X["b"].to_numpy() + rng.normal(0, 0.1, n)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = _data()
    d = tmp_path_factory.mktemp("saved") / "model"
    LatticeRegressor(SPEC, model="lattice", **TINY).fit(X, y).save(d)
    return d


def _copy(saved, tmp_path):
    import shutil

    d = tmp_path / "model"
    shutil.copytree(saved, d)
    return d


def _edit_meta(d, edit) -> None:
    meta = json.loads((d / "priorml.json").read_text())
    edit(meta)
    (d / "priorml.json").write_text(json.dumps(meta))


# ---------------------------------------------------------------------- spec.yaml against the trained model
@pytest.mark.parametrize("edit, shown", [
    (lambda t: t.replace("a: {monotonic: increasing}", "a: {monotonic: decreasing}"),
     r"features\.a\.monotonic: 'decreasing' in spec\.yaml, 'increasing' in the trained spec"),
    (lambda t: t.replace("  b: {}", "  z: {}"), r"feature 2: numeric 'z' in spec\.yaml, numeric 'b' in the trained model"),
    (lambda t: t + "  c: {}\n", r"feature 3: numeric 'c' in spec\.yaml, none in the trained model"),
    (lambda t: t.replace("  b: {}", "  b: {type: categorical}"),
     r"feature 2: categorical 'b' in spec\.yaml, numeric 'b' in the trained model"),
    (lambda t: t.replace("  b: {}", "  b: {keypoints: 4}"),
     r"features\.b: in spec\.yaml, not in the trained spec|features\.b\.keypoints: in spec\.yaml"),
], ids=["flipped direction", "renamed feature", "added feature", "changed kind", "added keypoints"])
def test_a_hand_edited_spec_that_contradicts_the_model_is_refused(saved, tmp_path, edit, shown):
    d = _copy(saved, tmp_path)
    text = (d / "spec.yaml").read_text()
    (d / "spec.yaml").write_text(edit(text))
    assert (d / "spec.yaml").read_text() != text
    with pytest.raises(ModelFormatError, match=shown) as info:
        priorml.load(d)
    assert str(d) in str(info.value) and "restore it" in str(info.value)


def test_a_model_saved_before_the_spec_was_recorded_still_loads_and_is_checked_against_its_schema(saved, tmp_path):
    d = _copy(saved, tmp_path)
    _edit_meta(d, lambda m: (m.pop("spec"), m.pop("checksums")))  # neither key existed then
    X, _ = _data(5, seed=1)
    np.testing.assert_allclose(priorml.load(d).predict(X), priorml.load(saved).predict(X))
    (d / "spec.yaml").write_text((d / "spec.yaml").read_text().replace("  b: {}", "  z: {}"))
    with pytest.raises(ModelFormatError, match=r"numeric 'z' in spec\.yaml, numeric 'b' in the trained model"):
        priorml.load(d)


def test_the_trained_spec_is_recorded_as_plain_data(saved):
    meta = json.loads((saved / "priorml.json").read_text())
    assert Spec.from_dict(meta["spec"]) == Spec.from_yaml(saved / "spec.yaml") == Spec.from_dict(SPEC)


# ---------------------------------------------------------------------- metadata checked at load
@pytest.mark.parametrize("edit, key, received", [
    (lambda m: m["state"].update(model_type="foo"), r"state\.model_type", "'foo'"),
    (lambda m: m["params"].update(epochs="many"), r"'params'", "'epochs' parameter of LatticeRegressor"),
    (lambda m: m["params"].update(model="forest"), r"'params'", "'model' parameter"),
    (lambda m: m["fitted"].update(n_features_in_=5), r"'fitted\.n_features_in_'", "got 5"),
    (lambda m: m["fitted"].update(feature_names_in_=["b", "a"]), r"'fitted\.feature_names_in_'", r"\['b', 'a'\]"),
    (lambda m: m.update(spec_given="no"), r"'spec_given'", r"true or false.*got 'no'"),
    (lambda m: m.update(spec_given=False), r"'spec_given'", r"not the unconstrained spec.*got false"),
    # a lattice state inconsistent with the spec or schema (before, most of these loaded, and predicted silently
    # wrong for y_scale 0, or failed at predict)
    (lambda m: m["state"].update(model_type="linear"), r"state\.model_type", "the plan's model type 'lattice'"),
    (lambda m: m["state"]["plan"].update(task="classification"), r"state\.plan\.task", "'classification'"),
    (lambda m: m["state"]["plan"].update(out_max=100.0), r"state\.plan\.out_max", "got 100.0"),
    (lambda m: m["state"].update(best_epoch=-3), r"state\.best_epoch", "got -3"),
    (lambda m: m["state"].update(best_epoch="3"), r"state\.best_epoch", "got '3'"),
    (lambda m: m["state"].update(history=[1, 2]), r"state\.history", r"got \[1, 2\]"),
    (lambda m: m["schema"].update(y_scale=0), r"'schema\.y_scale'", "got 0"),
    (lambda m: m["schema"].update(y_mean=None), r"'schema\.y_mean'", "got None"),
], ids=["unknown model type", "epochs text", "unknown model", "n_features_in_", "feature names", "spec_given text",
        "spec_given false with constraints", "model type against plan", "plan task", "plan bound without a spec bound",
        "negative best epoch", "best epoch text", "history not a mapping", "zero target scale", "no target mean"])
def test_metadata_that_the_estimator_would_refuse_is_refused_at_load(saved, tmp_path, edit, key, received):
    d = _copy(saved, tmp_path)
    _edit_meta(d, edit)
    with pytest.raises(ModelFormatError, match=f"{key}.*{received}"):
        priorml.load(d)


CAT_SPEC = {"features": {"a": {"monotonic": "increasing", "missing": "median"},
                         "g": {"type": "categorical", "order": [["lo", "hi"]]},
                         "h": {"type": "categorical", "missing": "mode"},
                         "c": {"type": "categorical", "categories": ["u", "v"]}}}


@pytest.fixture(scope="module")
def saved_categorical(tmp_path_factory):
    rng = np.random.default_rng(2)
    n = 40
    X = pd.DataFrame({"a": rng.uniform(size=n), "g": rng.choice(["lo", "hi", "mid"], n),
                      "h": rng.choice(["x", "y"], n), "c": rng.choice(["u", "v"], n)})
    d = tmp_path_factory.mktemp("saved_cat") / "model"
    LatticeRegressor(CAT_SPEC, model="linear", **TINY).fit(X, X["a"] + (X["g"] == "hi")).save(d)
    return d


def _schema_feature(i, **change):
    return lambda m: m["schema"]["features"][i].update(change)


@pytest.mark.parametrize("edit, key, received", [
    (_schema_feature(0, keypoints=[0.5, 0.2, 0.9]), r"features\[0\]\.keypoints", r"strictly increasing.*\[0\.5, 0\.2"),
    (_schema_feature(0, keypoints=[0.5]), r"features\[0\]\.keypoints", r"at least 2"),
    (_schema_feature(0, fill="abc"), r"features\[0\]\.fill", "'abc'"),
    (_schema_feature(0, fill=None), r"features\[0\]\.fill", "None"),
    (_schema_feature(0, lo="low"), r"features\[0\]\.lo", "'low'"),
    (_schema_feature(1, categories=["lo", "mid"]), r"features\[1\]\.categories", r"order names \(missing \['hi'\]\)"),
    (_schema_feature(2, categories=["x", "x"]), r"features\[2\]\.categories", r"distinct.*\['x', 'x'\]"),
    (_schema_feature(2, fill_code=5), r"features\[2\]\.fill_code", "0 to 1.*got 5"),
    (_schema_feature(1, fill_code=0), r"features\[1\]\.fill_code", "missing: error.*got 0"),
    (_schema_feature(3, categories=["u", "w"]), r"features\[3\]\.categories", r"spec's categories \['u', 'v'\]"),
    (_schema_feature(3, missing_bucket=True), r"features\[3\]\.missing_bucket", "got True"),
], ids=["unsorted keypoints", "one keypoint", "text fill", "no fill for missing: median", "text end",
        "ordered category renamed", "duplicate learnt categories", "fill code out of range",
        "fill code without missing: mode", "declared category renamed", "missing bucket not declared"])
def test_a_schema_that_fitting_the_spec_cannot_produce_is_refused_at_load(saved_categorical, tmp_path, edit, key,
                                                                           received):
    # each of these loaded before (or failed with TensorFlow's message), and failed or imputed a wrong value
    # only when a row reached the damaged part
    d = _copy(saved_categorical, tmp_path)
    _edit_meta(d, edit)
    with pytest.raises(ModelFormatError, match=f"key 'schema\\.{key}': expected .*{received}"):
        priorml.load(d)


def test_a_change_that_every_other_check_accepts_is_refused_by_the_checksums(saved_categorical, tmp_path):
    X = pd.DataFrame({"a": [0.2, 0.7], "g": ["lo", "hi"], "h": ["x", "y"], "c": ["u", "v"]})
    ref = priorml.load(saved_categorical).predict(X)
    renamed = _copy(saved_categorical, tmp_path)  # a learnt category renamed: consistent with the spec
    _edit_meta(renamed, _schema_feature(2, categories=["x", "z"]))
    with pytest.raises(ModelFormatError, match=r"'schema' of priorml\.json changed after the model was saved"):
        priorml.load(renamed)
    weights = _copy(saved_categorical, tmp_path / "w")  # other weights that still obey every constraint
    with np.load(weights / "arrays.npz") as z:
        arrays = {k: z[k] * 0.5 for k in z.files}
    np.savez(weights / "arrays.npz", **arrays)
    with pytest.raises(ModelFormatError, match=r"arrays\.npz changed after the model was saved"):
        priorml.load(weights)
    params = _copy(saved_categorical, tmp_path / "p")
    _edit_meta(params, lambda m: m["params"].update(epochs=7))
    with pytest.raises(ModelFormatError, match=r"'params' of priorml\.json changed"):
        priorml.load(params)
    damaged = _copy(saved_categorical, tmp_path / "c")
    _edit_meta(damaged, lambda m: m.update(checksums={"sha256": "x"}))
    with pytest.raises(ModelFormatError, match=r"key 'checksums': expected"):
        priorml.load(damaged)
    older = _copy(saved_categorical, tmp_path / "o")  # saved before checksums existed: loads as it did
    _edit_meta(older, lambda m: m.pop("checksums"))
    np.testing.assert_array_equal(priorml.load(older).predict(X), ref)
    recorded = json.loads((saved_categorical / "priorml.json").read_text())["checksums"]["sha256"]
    assert sorted(recorded) == sorted(["estimator", "params", "fitted", "schema", "state", "spec", "spec_given", "training_data",
                                       "arrays.npz"])
    assert all(len(v) == 64 for v in recorded.values())


@pytest.mark.parametrize("damage, shown", [
    (lambda w: np.full_like(w, np.nan), "non-finite values"),
    (lambda w: w.astype(np.int64), "dtype int64"),
    (lambda w: -w, r"layer '\w+' \(\w+\) break its constraints"),
], ids=["NaN", "integers", "constraints broken"])
def test_damaged_lattice_weights_are_refused_at_load(saved, tmp_path, damage, shown):
    # a damaged arrays.npz loaded before: NaN predictions, or predictions that break the spec (negated weights
    # make the increasing feature decreasing)
    d = _copy(saved, tmp_path)
    with np.load(d / "arrays.npz") as z:
        arrays = {k: damage(z[k]) for k in z.files}
    np.savez(d / "arrays.npz", **arrays)
    with pytest.raises(ModelFormatError, match=f"corrupted.*{shown}"):
        priorml.load(d)


@pytest.mark.slow  # trains every model type with every constraint (~15 s); every save/load test runs the check too
def test_a_trained_model_passes_the_constraint_check_of_load_by_a_wide_margin(tmp_path):
    # the check at load must never refuse a model that training produced: every constraint kind, all model types
    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n), "c": rng.uniform(size=n),
                      "u": rng.uniform(size=n), "g": rng.choice(list("pqr"), n)})
    y = X["a"] * (1 + X["b"]) + X["c"] ** 2 - (X["u"] - 0.5) ** 2 + rng.normal(0, 0.1, n)
    spec = {"features": {"a": {"monotonic": 1, "shape": "concave"}, "b": {"monotonic": 1},
                         "c": {"monotonic": 1, "shape": "convex"}, "u": {"unimodal": "valley"},
                         "g": {"type": "categorical", "order": ["p", "q", "r"]}},
            "output": {"min": -1, "max": 4},
            "interactions": [{"trust": "edgeworth", "feature": "a", "by": "b", "direction": "positive"},
                             {"dominance": "range", "feature": "b", "over": "c"}]}
    for model in ("lattice", "ensemble"):
        est = LatticeRegressor(spec, model=model, epochs=10, validation_fraction=0.0, learning_rate=0.05).fit(X, y)
        est.program_.check_constraints(eps=1e-6)
        est.save(tmp_path / model)
        np.testing.assert_array_equal(priorml.load(tmp_path / model).predict(X), est.predict(X))
    linear = {**spec, "interactions": [{"dominance": "monotonic", "feature": "b", "over": "a"}]}
    est = LatticeRegressor(linear, model="linear", epochs=10, validation_fraction=0.0, learning_rate=0.05).fit(X, y)
    est.program_.check_constraints(eps=1e-6)


# ---------------------------------------------------------------------- an estimator built with spec=None
@pytest.mark.parametrize("make", [
    lambda: LatticeRegressor(spec=None, epochs=5, validation_fraction=0.0, random_state=0),
    lambda: priorml.BayesianRegressor(spec=None, method="map", progressbar=False, random_state=0),
], ids=["lattice", "bayes map"])
def test_a_model_built_without_a_spec_loads_without_one(make, tmp_path):
    from sklearn.base import clone

    X, y = _data()
    est = make().fit(X, y)
    est.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    assert loaded.get_params()["spec"] is None and loaded.get_params() == est.get_params()
    assert json.loads((tmp_path / "m" / "priorml.json").read_text())["spec_given"] is False
    assert loaded.spec_ == est.spec_ == Spec.unconstrained(["a", "b"])
    np.testing.assert_allclose(loaded.predict(X), est.predict(X))
    # refit on other columns, as the original (spec=None: every column an unconstrained feature)
    X2 = X.rename(columns={"a": "c"})
    assert clone(loaded).get_params() == clone(est).get_params()
    assert loaded.fit(X2, y).spec_.feature_names == ("c", "b")


def test_a_model_without_a_spec_saved_before_spec_given_was_recorded_still_loads(tmp_path):
    X, y = _data()
    est = LatticeRegressor(spec=None, epochs=5, validation_fraction=0.0, random_state=0).fit(X, y)
    est.save(tmp_path / "m")
    _edit_meta(tmp_path / "m", lambda m: (m.pop("spec_given"), m.pop("checksums")))  # neither existed then
    loaded = priorml.load(tmp_path / "m")  # as before: the spec read from spec.yaml is the parameter
    assert loaded.get_params()["spec"] == loaded.spec_ == est.spec_
    np.testing.assert_allclose(loaded.predict(X), est.predict(X))


def test_a_model_built_with_a_spec_loads_with_it(saved):
    assert json.loads((saved / "priorml.json").read_text())["spec_given"] is True
    assert priorml.load(saved).get_params()["spec"] == Spec.from_dict(SPEC)


# ---------------------------------------------------------------------- values JSON has no type for
def test_a_random_state_instance_is_saved_as_its_state(tmp_path):
    X, y = _data()
    rs = np.random.RandomState(3)
    est = LatticeRegressor(SPEC, model="linear", **dict(TINY, random_state=rs)).fit(X, y)
    est.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    again = loaded.get_params()["random_state"]
    assert isinstance(again, np.random.RandomState) and again is not rs
    # the generator state is the one at save time, as pickle keeps it
    assert again.randint(2**31 - 1) == rs.randint(2**31 - 1)


@pytest.mark.parametrize("labels", [
    np.array(["2020-01-01", "2021-06-30"], dtype="datetime64[D]"),
    np.array(["2020-01-01T00:00:00.000000001", "2020-01-01T00:00:00.000000002"], dtype="datetime64[ns]"),
    np.array([1, 5], dtype="timedelta64[s]"),
    np.array(["no", "yes"], dtype=object),
    np.array([0.0, 1.0]),
], ids=["datetime64[D]", "datetime64[ns]", "timedelta64", "object", "float"])
def test_classes_of_any_label_type_round_trip_with_their_dtype(labels, tmp_path):
    X, y = _data()
    yc = labels[(y > np.median(y)).astype(int)]
    est = LatticeClassifier(SPEC, model="linear", **TINY).fit(X, yc)
    est.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    assert loaded.classes_.dtype == est.classes_.dtype
    np.testing.assert_array_equal(loaded.classes_, est.classes_)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_a_parameter_without_a_json_form_is_refused_by_name(tmp_path):
    X, y = _data()
    est = LatticeRegressor(SPEC, model="linear", **TINY).fit(X, y)
    est.verbose = Fraction(1, 2)  # set after fit: nothing validates it
    with pytest.raises(ModelFormatError, match=r"Cannot save the model: the parameter 'verbose': .*got a "
                                               r"fractions\.Fraction"):
        est.save(tmp_path / "m")
    assert not (tmp_path / "m").exists() and list(tmp_path.iterdir()) == []
    # parameters do not enter the fingerprint, so such a parameter does not stop it (nor the certificate's)
    assert est.fingerprint() == est.set_params(verbose=0).fingerprint()
    est.verbose = Fraction(1, 2)
    assert priorml.certify(est, X).model_sha256 == est.fingerprint()


def test_a_bayesian_model_with_a_random_state_instance_saves(tmp_path):
    # The issue-3 audit's item: the same shared code path as the lattice estimators.
    X, y = _data()
    est = priorml.BayesianRegressor(SPEC, method="map", progressbar=False,
                                    random_state=np.random.RandomState(3)).fit(X, y)
    est.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    assert isinstance(loaded.random_state, np.random.RandomState)
    np.testing.assert_allclose(loaded.predict(X), est.predict(X))


# ---------------------------------------------------------------------- the fingerprint
def test_the_fingerprint_identifies_the_fitted_model(saved, tmp_path):
    import pickle

    X, y = _data()
    est = LatticeRegressor(SPEC, model="lattice", **TINY).fit(X, y)
    fp = est.fingerprint()
    assert len(fp) == 64 and int(fp, 16) >= 0
    # the same for the saved, loaded and pickled model, and after a setting that does not change predictions
    assert priorml.load(saved).fingerprint() == fp
    assert pickle.loads(pickle.dumps(est)).fingerprint() == fp
    assert est.set_params(verbose=1).fingerprint() == fp
    # different for other weights, another schema or another spec
    assert LatticeRegressor(SPEC, model="lattice", **{**TINY, "random_state": 1}).fit(X, y).fingerprint() != fp
    assert LatticeRegressor(SPEC, model="lattice", **TINY).fit(X.iloc[:30], y[:30]).fingerprint() != fp
    other = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}}}
    assert LatticeRegressor(other, model="lattice", **TINY).fit(X, y).fingerprint() != fp
    # a reviewer can compare it with the certificate's
    cert = priorml.certify(priorml.load(saved), X)
    assert cert.model_sha256 == fp and cert.to_dict()["model_sha256"] == fp and fp in str(cert)


@pytest.mark.parametrize("column, spec", [
    (lambda rng, n: rng.choice([True, False], n), {"type": "categorical"}),
    (lambda rng, n: rng.choice([1.5, 2.5], n), {"type": "categorical"}),
    (lambda rng, n: np.array([None] * n, dtype=object), {"type": "categorical", "missing": "category"}),
    (lambda rng, n: pd.Series(rng.choice(pd.to_datetime(["2020-01-01", "2020-02-01"]), n)).astype(object),
     {"type": "categorical"}),
], ids=["true/false", "fractions", "only missing, missing: category", "dates"])
def test_every_kind_of_learnt_category_saves_and_loads(column, spec, tmp_path):
    # the schema check at load refused the first three (fitted and saved without complaint); dates did not save
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(size=40), "c": column(rng, 40)})
    est = LatticeRegressor({"features": {"a": {}, "c": spec}}, **TINY).fit(X, X["a"].to_numpy())
    est.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    assert loaded.fingerprint() == est.fingerprint()
