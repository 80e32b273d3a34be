"""A fitted model records which rows it was fitted on (``training_data_``: their count and one SHA-256 of the
rows as the model read them), so that a reviewer given a model and data can check the claim that one comes from
the other (``fitted_on``); the record survives save/load and pickling and is protected by the checksums."""

from __future__ import annotations

import json
import pickle
import shutil

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml import LatticeClassifier, LatticeRegressor, ModelFormatError, PriorMLError

SPEC = {"features": {"a": {"monotonic": "increasing", "missing": "median"}, "g": {"type": "categorical"}}}
TINY = {"model": "linear", "epochs": 3, "validation_fraction": 0.0, "learning_rate": 0.05, "random_state": 0}


def _data(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "g": rng.choice(["u", "v"], n)})
    return X, 2 * X["a"].to_numpy() + (X["g"] == "v") + rng.normal(0, 0.1, n)


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    return X, y, LatticeRegressor(SPEC, **TINY).fit(X, y)


def test_the_record_names_the_rows_as_the_model_reads_them(fitted):
    X, y, model = fitted
    assert model.training_data_["n_rows"] == len(y) and model.training_data_["sample_weight"] is False
    assert len(model.training_data_["sha256"]) == 64
    assert model.fitted_on(X, y)
    assert model.fitted_on(X[["g", "a"]].assign(extra=1.0), y)  # columns by name, as at predict
    assert model.fitted_on(X.to_numpy(dtype=object), y)  # an array in spec order
    assert model.training_data_digest(X, y) == model.training_data_["sha256"]


@pytest.mark.parametrize("change", [
    lambda X, y: (X.iloc[:-1], y[:-1]),                                  # a row left out
    lambda X, y: (X.iloc[::-1], y[::-1]),                                # other order
    lambda X, y: (X, y + 1e-9),                                          # a target changed in the 9th digit
    lambda X, y: (X.assign(a=X["a"].where(X.index != 3, X["a"][3] + 1e-12)), y),  # one feature value
    lambda X, y: (X.assign(g=X["g"].where(X.index != 0, "v" if X["g"][0] == "u" else "u")), y),  # one category
], ids=["row dropped", "rows reordered", "target", "feature value", "category"])
def test_other_rows_are_not_the_training_rows(fitted, change):
    X, y, model = fitted
    assert not model.fitted_on(*change(X, y))


def test_missing_values_read_as_the_model_reads_them():
    """The digest is of the rows after the spec's missing-value handling: a missing value and its imputed value
    read alike, as they do for the model (documented)."""
    X, y = _data()
    X.loc[5, "a"] = np.nan
    model = LatticeRegressor(SPEC, **TINY).fit(X, y)
    assert model.fitted_on(X, y)
    assert model.fitted_on(X.fillna({"a": model.schema_.features[0].fill}), y)
    assert not model.fitted_on(X.fillna({"a": 0.123}), y)


def test_sample_weights_are_part_of_the_record():
    X, y = _data()
    w = np.linspace(0.5, 2, len(y))
    model = LatticeRegressor(SPEC, **TINY).fit(X, y, sample_weight=w)
    assert model.training_data_["sample_weight"] is True
    assert model.fitted_on(X, y, sample_weight=w)
    assert not model.fitted_on(X, y) and not model.fitted_on(X, y, sample_weight=w[::-1])


def test_a_classifier_record_reads_labels_by_class():
    X, y = _data()
    labels = np.where(y > 1.5, "high", "low")
    model = LatticeClassifier(SPEC, **TINY).fit(X, labels)
    assert model.fitted_on(X, labels) and model.fitted_on(X, pd.Series(labels, dtype="category"))
    assert not model.fitted_on(X, np.where(y > 1.5, "low", "high"))  # labels swapped
    assert not model.fitted_on(X, np.where(y > 1.5, "HIGH", "low"))  # a label the model does not know


def test_the_record_survives_save_load_and_pickle_and_is_not_in_the_fingerprint(fitted, tmp_path):
    X, y, model = fitted
    model.save(tmp_path / "m")
    loaded = priorml.load(tmp_path / "m")
    assert loaded.training_data_ == model.training_data_ and loaded.fitted_on(X, y)
    assert pickle.loads(pickle.dumps(model)).fitted_on(X, y)
    meta = json.loads((tmp_path / "m" / "priorml.json").read_text())
    assert meta["training_data"] == model.training_data_
    assert "training_data" in meta["checksums"]["sha256"]
    # the fingerprint names what decides the predictions; the same model fitted on other rows would share it
    assert loaded.fingerprint() == model.fingerprint()


def _edit(d, edit) -> None:
    meta = json.loads((d / "priorml.json").read_text())
    edit(meta)
    (d / "priorml.json").write_text(json.dumps(meta))


def test_an_edited_record_is_refused_and_an_older_directory_loads_without_one(fitted, tmp_path):
    X, y, model = fitted
    model.save(tmp_path / "m")
    edited = shutil.copytree(tmp_path / "m", tmp_path / "e")  # another data set's digest written in
    _edit(edited, lambda m: m["training_data"].update(sha256="0" * 64))
    with pytest.raises(ModelFormatError, match=r"'training_data' of priorml\.json changed after the model was saved"):
        priorml.load(edited)
    malformed = shutil.copytree(tmp_path / "m", tmp_path / "f")
    _edit(malformed, lambda m: m["training_data"].update(n_rows=0))
    with pytest.raises(ModelFormatError, match=r"key 'training_data': expected \{'n_rows'"):
        priorml.load(malformed)
    older = shutil.copytree(tmp_path / "m", tmp_path / "o")  # saved before the record existed
    _edit(older, lambda m: (m.pop("training_data"), m["checksums"]["sha256"].pop("training_data")))
    old = priorml.load(older)
    assert not hasattr(old, "training_data_")
    np.testing.assert_array_equal(old.predict(X), model.predict(X))
    with pytest.raises(PriorMLError, match="no record of its training data"):
        old.fitted_on(X, y)
    planted = shutil.copytree(tmp_path / "o", tmp_path / "p")  # a record added to such a directory afterwards
    _edit(planted, lambda m: m.update(training_data=model.training_data_))
    with pytest.raises(ModelFormatError, match=r"'training_data' of priorml\.json was added after the model was saved"):
        priorml.load(planted)


def test_a_refit_replaces_the_record(fitted):
    X, y, _ = fitted
    model = LatticeRegressor(SPEC, **TINY).fit(X, y)
    first = model.training_data_["sha256"]
    model.fit(X.iloc[:30], y[:30])
    assert model.training_data_["n_rows"] == 30 and model.training_data_["sha256"] != first
    assert model.fitted_on(X.iloc[:30], y[:30]) and not model.fitted_on(X, y)


def test_a_bayesian_model_records_its_rows_too():
    X, y = _data(30)
    model = priorml.BayesianRegressor(SPEC, method="map", random_state=0, progressbar=False).fit(X, y)
    assert model.training_data_["n_rows"] == 30 and model.fitted_on(X, y) and not model.fitted_on(X, y * 2)


def test_values_beyond_the_keypoints_count():
    """The digest was taken after clipping to the keypoint range, so a training maximum changed to 1e6 read as
    the same rows (and the report said "exactly these rows")."""
    X, y = _data()
    model = LatticeRegressor(SPEC, **TINY).fit(X, y)
    i = int(np.argmax(X["a"]))
    assert not model.fitted_on(X.assign(a=X["a"].where(X.index != i, 1e6)), y)


def test_rows_the_model_could_not_have_been_fitted_on_are_not_its_rows(fitted):
    """fitted_on raised the DataError of the rows instead of answering."""
    X, y, model = fitted
    bad = [(X.assign(g=X["g"].where(X.index != 0, "w")), y), (X, np.where(np.arange(len(y)) == 0, np.nan, y)),
           (X, y[:-1])]
    for Xb, yb in bad:
        assert model.fitted_on(Xb, yb) is False


def test_the_report_does_not_call_a_weighted_models_own_rows_other_rows():
    """The report, which is not given the weights, said a model fitted with sample weights was NOT fitted on
    its own rows; it says it cannot check them."""
    from priorml.report import collect_report

    X, y = _data()
    w = np.linspace(0.5, 2, len(y))
    model = LatticeRegressor(SPEC, **TINY).fit(X, y, sample_weight=w)
    prov = collect_report(SPEC, X, y, model=model, baselines=False).provenance
    assert prov["training_data_check"] == "unknown" and "sample weights" in prov["training_data_note"]
    assert model.fitted_on(X, y, sample_weight=w)


def test_a_lognormal_models_tolerance_is_in_target_units():
    """The tolerance used the schema's y_scale, which for a lognormal model is the sd of log y: with a target
    near 1e-7 it was 3.8e-6, 25 times the whole effect, and the effect was called vacuous."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.uniform(size=60)})
    y = 1e-7 * np.exp(X["x"] + rng.normal(0, 0.3, 60))
    model = priorml.BayesianRegressor({"features": {"x": {"monotonic": 1}}}, likelihood="lognormal", method="map",
                                      progressbar=False).fit(X, y)
    row = priorml.certify(model, X, n_rows=10).rows[0]
    assert row.tolerance < 1e-11 and not row.vacuous and row.passed
