"""Bad input at the edges: saved models, drift state files and the command line.

A damaged or hand-edited model directory raises :class:`ModelFormatError`; a
bad argument raises :class:`SpecError` (a ``ValueError``) with an accurate
title; the command line exits 2 with a one-line reason. Each case asserts the
exception type and that the message names the culprit (file, key, column or
option) and what was received. Models are lattices trained for 3 epochs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml import LatticeRegressor, ModelFormatError, SpecError
from priorml.audit.drift import DriftMonitor
from priorml.cli import main

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}
TINY = {"epochs": 3, "validation_fraction": 0.0, "random_state": 0}


def _data(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    return X, 2 * X["a"].to_numpy() - X["b"].to_numpy() + rng.normal(0, 0.1, n)


@pytest.fixture(scope="module")
def model():
    X, y = _data()
    return LatticeRegressor(SPEC, **TINY).fit(X, y)


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory) -> Path:
    """A model directory; tests copy it before damaging it."""
    d = tmp_path_factory.mktemp("saved") / "model"
    model.save(d)
    return d


def _copy(saved: Path, tmp_path: Path) -> Path:
    d = tmp_path / "model"
    shutil.copytree(saved, d)
    return d


def _edit_meta(d: Path, edit) -> None:
    meta = json.loads((d / "priorml.json").read_text())
    edit(meta)
    (d / "priorml.json").write_text(json.dumps(meta))


# ---------------------------------------------------------------------- priorml.load of a damaged directory
@pytest.mark.parametrize("edit, key, received", [
    (lambda m: m.pop("params"), "'params'", "the key is missing"),                      # P04
    (lambda m: m.update(fitted=None), "'fitted'", "got null"),                          # P05
    (lambda m: m.update(params=[1, 2]), "'params'", "a list ([1, 2])"),
    (lambda m: m["params"].update(epochz=3), "'params.epochz'", "got 'epochz'"),
    (lambda m: m["fitted"].pop("n_features_in_"), "'fitted.n_features_in_'", "the key is missing"),
    (lambda m: m.pop("state"), "'state'", "the key is missing"),
    (lambda m: m.update(format_version="1"), "'format_version'", "got '1'"),
], ids=["params missing", "fitted null", "params a list", "unknown param", "n_features_in_ missing",
        "state missing", "format_version text"])
def test_load_names_the_damaged_metadata_key(saved, tmp_path, edit, key, received):
    d = _copy(saved, tmp_path)
    _edit_meta(d, edit)
    with pytest.raises(ModelFormatError) as info:
        priorml.load(d)
    msg = str(info.value)
    assert "priorml.json" in msg and f"key {key}" in msg and received in msg
    assert "estimator.save(path)" in msg  # how to fix it


def test_load_of_a_hand_edited_spec_keeps_every_problem(saved, tmp_path):  # P07
    d = _copy(saved, tmp_path)
    spec = d / "spec.yaml"
    spec.write_text(spec.read_text().replace("increasing", "upward"))
    with pytest.raises(ModelFormatError) as info:
        priorml.load(d)
    msg = str(info.value)
    assert str(d) in msg and "spec.yaml" in msg and "1 problem found" in msg
    assert "features.a.monotonic" in msg and "'upward'" in msg  # the key and the value, not just the count


def test_undamaged_copy_still_loads(saved, tmp_path, model):
    X, _ = _data(5, seed=1)
    np.testing.assert_allclose(priorml.load(_copy(saved, tmp_path)).predict(X), model.predict(X), rtol=1e-6)


# ---------------------------------------------------------------------- save to a bad path
def test_save_to_an_existing_file_is_refused_and_the_file_kept(model, tmp_path):  # P08
    f = tmp_path / "existing_file"
    f.write_text("x")
    with pytest.raises(ModelFormatError) as info:
        model.save(f)
    msg = str(info.value)
    assert str(f) in msg and "existing file" in msg and "directory" in msg
    assert f.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing_file"]  # no temporary directory left


# ---------------------------------------------------------------------- drift monitor
def test_drift_save_to_a_directory(model, tmp_path):  # R14
    X, y = _data()
    mon = DriftMonitor(None, model, check_constraints=False)
    mon.update(X, y)
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(SpecError) as info:
        mon.save(tmp_path)
    msg = str(info.value)
    assert info.value.problems[0].where == "path"
    assert str(tmp_path) in msg and "existing directory" in msg and "drift_state.json" in msg
    assert not msg.startswith("Invalid spec")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]  # nothing written, nothing removed


def test_drift_update_with_a_duplicated_column(model):  # R20
    X, y = _data()
    X2 = pd.concat([X, X[["a"]]], axis=1)
    before = X2.copy()
    mon = DriftMonitor(None, model, check_constraints=False)
    with pytest.raises(SpecError) as info:
        mon.update(X2, y)
    assert "'a'" in str(info.value)
    assert mon.n_batches == 0
    pd.testing.assert_frame_equal(X2, before)


def test_drift_state_path_error_is_not_titled_invalid_spec(model, tmp_path):
    p = tmp_path / "state.json"
    p.write_text("{}")
    with pytest.raises(SpecError) as info:
        DriftMonitor(None, model, state_path=p)
    msg = str(info.value)
    assert msg.startswith("Invalid DriftMonitor arguments") and "state_path" in msg and "state.json" in msg


def test_drift_run_unknown_time_column_is_not_titled_invalid_spec(model):
    X, y = _data()
    mon = DriftMonitor(None, model, check_constraints=False)
    with pytest.raises(SpecError) as info:
        mon.run(X.assign(week=np.repeat(np.arange(4), 10)), y, "weak")
    msg = str(info.value)
    assert msg.startswith("Invalid batching arguments")
    assert "time" in msg and "'weak'" in msg and "Did you mean 'week'?" in msg
    assert mon.n_batches == 0


# ---------------------------------------------------------------------- the command line
def test_python_m_priorml_runs_the_command():  # L00
    res = subprocess.run([sys.executable, "-m", "priorml", "--help"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage: priorml") and "predict" in res.stdout


def test_importing_priorml_does_not_import_the_command_line():
    code = "import sys, priorml; print(sorted(m for m in sys.modules if m in ('priorml.cli', 'priorml.__main__')))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_predict_interval_with_a_lattice_model_exits_2(saved, tmp_path, capsys):  # L12
    X, _ = _data(8, seed=2)
    X.to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "out.csv"
    capsys.readouterr()
    assert main(["predict", str(saved), str(tmp_path / "data.csv"), "-o", str(out), "--interval", "0.9", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--interval 0.9" in err and "LatticeRegressor" in err and "Bayesian" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["predict", str(saved), str(tmp_path / "data.csv"), "-o", str(out), "--quiet"]) == 0  # without it: fine
