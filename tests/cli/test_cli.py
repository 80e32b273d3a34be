"""The ``priorml`` command line: exit codes, messages on bad input, JSON output, files written.

Commands run in-process through ``priorml.cli.main`` (one TensorFlow import for
the whole module); one test runs the installed ``priorml`` entry point in a
subprocess. Models are calibrated-linear lattices trained for 20 epochs on
120 rows, so a fit takes a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml.cli import main

FAST = ["--model", "linear", "--epochs", "20", "--quiet"]
SPEC = """\
name: toy
target: y
features:
  a: {monotonic: increasing}
  b: {monotonic: decreasing}
  g: {type: categorical, order: [lo, mid, hi]}
"""


def _toy(n: int = 120, seed: int = 0, slope_a: float = 3.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "g": rng.choice(["lo", "mid", "hi"], n)})
    df["y"] = slope_a * df["a"] - 2 * df["b"] + df["g"].map({"lo": 0.0, "mid": 0.5, "hi": 1.0}) + rng.normal(0, 0.1, n)
    df["year"] = np.repeat(np.arange(2001, 2001 + n // 30 + 1), 30)[:n]
    return df


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A directory with spec.yaml, data.csv, data.parquet and a model fitted on them."""
    d = tmp_path_factory.mktemp("cli")
    (d / "spec.yaml").write_text(SPEC)
    df = _toy()
    df.to_csv(d / "data.csv", index=False)
    df.to_parquet(d / "data.parquet", index=False)
    assert main(["fit", str(d / "spec.yaml"), str(d / "data.csv"), "-o", str(d / "model"), *FAST]) == 0
    return d


def _err(capsys) -> tuple[str, str]:
    out = capsys.readouterr()
    return out.out, out.err


# ---------------------------------------------------------------------- the happy path
def test_fit_saves_a_model_that_predicts_every_row_in_order(work, capsys):
    import priorml

    capsys.readouterr()
    out_csv = work / "pred.csv"
    assert main(["predict", str(work / "model"), str(work / "data.csv"), "-o", str(out_csv), "--quiet"]) == 0
    written = pd.read_csv(out_csv)
    data = pd.read_csv(work / "data.csv")
    assert len(written) == len(data)
    pd.testing.assert_frame_equal(written[data.columns], data)  # input columns kept, rows in file order
    expected = priorml.load(work / "model").predict(data)
    np.testing.assert_allclose(written["prediction"].to_numpy(), expected, rtol=1e-6)
    assert np.corrcoef(written["prediction"], data["y"])[0, 1] > 0.9  # a real fit, not a constant


def test_parquet_input_gives_the_same_predictions_as_csv(work):
    a, b = work / "p_csv.csv", work / "p_parquet.csv"
    assert main(["predict", str(work / "model"), str(work / "data.csv"), "-o", str(a), "--quiet"]) == 0
    assert main(["predict", str(work / "model"), str(work / "data.parquet"), "-o", str(b), "--quiet"]) == 0
    np.testing.assert_allclose(pd.read_csv(a)["prediction"], pd.read_csv(b)["prediction"])


def test_certify_json_parses_and_passes(work, capsys):
    capsys.readouterr()
    code = main(["certify", str(work / "model"), str(work / "data.csv"), "--json", "--quiet", "--fail-on-violation"])
    out, _ = _err(capsys)
    doc = json.loads(out)
    assert code == 0 and doc["passed"] is True
    assert {r["constraint"] for r in doc["rows"]} == {"monotonic", "order"}
    assert len(doc["rows"]) == 3


def test_fit_json_describes_the_model(work, capsys, tmp_path):
    capsys.readouterr()
    code = main(["fit", str(work / "spec.yaml"), str(work / "data.parquet"), "-o", str(tmp_path / "m"), "--json", *FAST])
    doc = json.loads(_err(capsys)[0])
    assert code == 0
    assert doc["estimator"] == "LatticeRegressor" and doc["n_rows"] == 120 and doc["model_type"] == "linear"
    assert (tmp_path / "m" / "priorml.json").is_file()
    assert doc["model_sha256"] == priorml.load(tmp_path / "m").fingerprint()  # what certify will print


# ---------------------------------------------------------------------- exit code 1 with --fail-on-violation
def test_certify_checks_the_fingerprint_signed_off(work, capsys):
    model = str(work / "model")
    data = str(work / "data.csv")
    sha = priorml.load(model).fingerprint()
    capsys.readouterr()
    assert main(["certify", model, data, "--quiet", "--fingerprint", sha[:12].upper()]) == 0
    assert "MISMATCH" not in capsys.readouterr().out
    other = ("0" if sha[0] != "0" else "1") + sha[1:]
    assert main(["certify", model, data, "--quiet", "--fingerprint", other]) == 1
    out = capsys.readouterr().out
    assert f"FINGERPRINT MISMATCH: expected a model whose fingerprint starts with {other}" in out and sha in out
    assert main(["certify", model, data, "--quiet", "--json", "--fingerprint", other[:8]]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["fingerprint_matches"] is False and doc["model_sha256"] == sha
    for bad in ("abc", "xyz12345", "0" * 65):
        assert main(["certify", model, data, "--fingerprint", bad]) == 2
        assert "expected a SHA-256 fingerprint" in capsys.readouterr().err


def test_certify_checks_that_data_are_the_training_rows(work, tmp_path, capsys):
    """--training-rows: DATA with its target must be the rows the saved model was fitted on (the digest recorded
    at fit, also printed by fit --json); other rows, or a changed target, exit 1 naming the mismatch."""
    model, data = str(work / "model"), str(work / "data.csv")
    capsys.readouterr()
    assert main(["certify", model, data, "--quiet", "--training-rows"]) == 0
    assert "holds exactly the 120 rows" in capsys.readouterr().out
    df = pd.read_csv(data)
    df.loc[7, "y"] += 0.5
    df.to_csv(tmp_path / "changed.csv", index=False)
    df.iloc[:-1].to_csv(tmp_path / "fewer.csv", index=False)
    for other in ("changed.csv", "fewer.csv"):
        assert main(["certify", model, str(tmp_path / other), "--quiet", "--training-rows"]) == 1
        out = capsys.readouterr().out
        assert "TRAINING DATA MISMATCH" in out and "was fitted on 120 rows" in out
    assert main(["certify", model, str(tmp_path / "changed.csv"), "--quiet"]) == 0  # not asked: not checked
    capsys.readouterr()
    assert main(["certify", model, str(tmp_path / "changed.csv"), "--quiet", "--json", "--training-rows"]) == 1
    assert json.loads(capsys.readouterr().out)["training_data_matches"] is False
    df.drop(columns="y").to_csv(tmp_path / "no_target.csv", index=False)
    assert main(["certify", model, str(tmp_path / "no_target.csv"), "--quiet", "--training-rows"]) == 2
    assert "column 'y' (the spec's target) is missing" in capsys.readouterr().err
    assert main(["fit", str(work / "spec.yaml"), data, "-o", str(tmp_path / "m"), "--json", *FAST]) == 0
    assert json.loads(capsys.readouterr().out)["training_data_sha256"] == priorml.load(model).training_data_["sha256"]


def test_certify_exit_1_only_with_the_flag_when_a_constraint_fails(work, tmp_path, capsys, monkeypatch):
    """A saved model whose spec is edited to demand the opposite direction fails its certificate.

    load refuses a spec.yaml that differs from the trained spec recorded in priorml.json, so both
    are edited here, as a deliberate forgery would. load then refuses the weights, which break the
    edited constraint (exit 2, naming the layer); with that check switched off, the certificate
    still catches it."""
    import shutil

    from priorml.backends.lattice.program import LatticeProgram

    broken = tmp_path / "broken"
    shutil.copytree(work / "model", broken)
    spec = (broken / "spec.yaml").read_text()
    (broken / "spec.yaml").write_text(spec.replace("monotonic: increasing", "monotonic: decreasing", 1))
    meta = json.loads((broken / "priorml.json").read_text())
    feature = next(n for n, f in meta["spec"]["features"].items() if f.get("monotonic") == "increasing")
    meta["spec"]["features"][feature]["monotonic"] = "decreasing"
    meta.pop("checksums")  # as if saved before checksums were recorded (they would refuse the edited spec)
    (broken / "priorml.json").write_text(json.dumps(meta))
    data = str(work / "data.csv")
    capsys.readouterr()
    assert main(["certify", str(broken), data, "--quiet"]) == 2
    _, err = _err(capsys)
    assert "break its constraints" in err
    monkeypatch.setattr(LatticeProgram, "check_constraints", lambda self, eps=1e-4: None)
    assert main(["certify", str(broken), data, "--quiet"]) == 0
    out, _ = _err(capsys)
    assert "FAIL" in out
    assert main(["certify", str(broken), data, "--quiet", "--fail-on-violation"]) == 1


def test_check_exit_1_when_the_data_contradict_the_spec(tmp_path, capsys):
    df = _toy(slope_a=-3.0)  # y falls with a, the spec says it rises
    df.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "s.yaml").write_text(SPEC)
    argv = ["check", str(tmp_path / "s.yaml"), str(tmp_path / "d.csv"), "--quiet", "--n-bootstrap", "100"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main([*argv, "--fail-on-violation", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    rows = doc.get("rows") or doc.get("table")
    verdicts = {(r["feature"], r["constraint"]): r["verdict"] for r in rows}
    assert verdicts[("a", "monotonic")] == "contradicted"
    assert verdicts[("b", "monotonic")] != "contradicted"


def test_compare_exit_1_when_the_constrained_model_is_clearly_worse(tmp_path, capsys):
    df = _toy(slope_a=-3.0)  # the wrong direction forces the lattice model far from the truth
    df.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "s.yaml").write_text(SPEC)
    argv = ["compare", str(tmp_path / "s.yaml"), str(tmp_path / "d.csv"), "--models", "lattice,linear", "--cv", "3",
            "--fail-on-violation", "--json", *FAST]
    assert main(argv) == 1
    doc = json.loads(capsys.readouterr().out)
    rows = {r["model"]: r for r in doc["table"]}
    assert rows["lattice"]["verdict"] == "worse" and rows["lattice"]["diff_ci_low"] > 0


def test_drift_exit_1_on_a_shift(tmp_path, capsys):
    early, late = _toy(n=120, seed=1), _toy(n=120, seed=2, slope_a=-3.0)
    early["year"], late["year"] = np.repeat([1, 2, 3], 40), np.repeat([4, 5, 6], 40)
    (tmp_path / "s.yaml").write_text(SPEC)
    early.to_csv(tmp_path / "early.csv", index=False)
    pd.concat([early, late]).to_csv(tmp_path / "stream.csv", index=False)
    assert main(["fit", str(tmp_path / "s.yaml"), str(tmp_path / "early.csv"), "-o", str(tmp_path / "m"), *FAST]) == 0
    capsys.readouterr()
    argv = ["drift", str(tmp_path / "m"), str(tmp_path / "stream.csv"), "--time", "year", "--quiet", "--json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    alerts = [b["label"] for b in doc["batches"] if b["alert"]]
    assert doc["n_batches"] == 6 and alerts and min(int(a) for a in alerts) >= 4  # no false alarm before the shift
    assert main([*argv, "--fail-on-violation"]) == 1


# ---------------------------------------------------------------------- exit code 2: bad usage and bad input
def _fit_status(spec: Path, data: Path, out: Path) -> int:
    return main(["fit", str(spec), str(data), "-o", str(out), *FAST])


def test_text_in_a_numeric_column_names_file_column_and_line(work, tmp_path, capsys):
    df = pd.read_csv(work / "data.csv").astype({"a": object})
    df.loc[4, "a"] = "abc"  # 5th data row: line 6 of the file
    bad = tmp_path / "bad.csv"
    df.to_csv(bad, index=False)
    capsys.readouterr()
    assert _fit_status(work / "spec.yaml", bad, tmp_path / "m") == 2
    _, err = _err(capsys)
    assert "bad.csv" in err and "'a'" in err and "'abc'" in err and "row 6" in err and "header" in err
    assert "Traceback" not in err


def test_text_in_parquet_rows_are_numbered_from_one(work, tmp_path, capsys):
    df = pd.read_csv(work / "data.csv")
    df["b"] = df["b"].map(repr)  # a text column in the file (as when numbers were exported as text)
    df.loc[9, "b"] = "n/a?"
    df.to_parquet(tmp_path / "bad.parquet", index=False)
    capsys.readouterr()
    assert _fit_status(work / "spec.yaml", tmp_path / "bad.parquet", tmp_path / "m") == 2
    _, err = _err(capsys)
    assert "bad.parquet" in err and "'b'" in err and "row 10" in err and "numbered from 1" in err


def test_missing_target_column(work, tmp_path, capsys):
    pd.read_csv(work / "data.csv").drop(columns="y").to_csv(tmp_path / "noy.csv", index=False)
    capsys.readouterr()
    assert _fit_status(work / "spec.yaml", tmp_path / "noy.csv", tmp_path / "m") == 2
    _, err = _err(capsys)
    assert "noy.csv" in err and "'y'" in err and "target" in err and "Columns present" in err


def test_missing_feature_column_suggests_the_closest(work, tmp_path, capsys):
    pd.read_csv(work / "data.csv").rename(columns={"b": "bb"}).to_csv(tmp_path / "nob.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(work / "model"), str(tmp_path / "nob.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    _, err = _err(capsys)
    assert "'b'" in err and "Did you mean 'bb'" in err


def test_non_numeric_target_names_the_line(work, tmp_path, capsys):
    df = pd.read_csv(work / "data.csv").astype({"y": object})
    df.loc[0, "y"] = "oops"
    df.to_csv(tmp_path / "bady.csv", index=False)
    capsys.readouterr()
    assert _fit_status(work / "spec.yaml", tmp_path / "bady.csv", tmp_path / "m") == 2
    _, err = _err(capsys)
    assert "bady.csv" in err and "'oops'" in err and "row 2" in err


def test_missing_files_and_unreadable_csv(work, tmp_path, capsys):
    spec, data = str(work / "spec.yaml"), str(work / "data.csv")
    capsys.readouterr()
    assert main(["fit", spec, str(tmp_path / "nope.csv"), "-o", str(tmp_path / "m")]) == 2
    assert "nope.csv" in _err(capsys)[1]
    assert main(["fit", str(tmp_path / "nope.yaml"), data, "-o", str(tmp_path / "m")]) == 2
    assert "nope.yaml" in _err(capsys)[1]
    assert main(["certify", str(tmp_path / "no_model"), data]) == 2
    assert "no_model" in _err(capsys)[1]
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,g,y\n1,2,lo,3\n1,2,lo,3,4,5\n")
    assert main(["fit", spec, str(ragged), "-o", str(tmp_path / "m")]) == 2
    err = _err(capsys)[1]
    assert "ragged.csv" in err and "line 3" in err
    (tmp_path / "empty.csv").write_text("")
    assert main(["fit", spec, str(tmp_path / "empty.csv"), "-o", str(tmp_path / "m")]) == 2
    assert "empty" in _err(capsys)[1]
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    assert main(["fit", spec, str(tmp_path / "bad.parquet"), "-o", str(tmp_path / "m")]) == 2
    assert "Parquet" in _err(capsys)[1]


def test_invalid_spec_names_the_spec_file(work, tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("target: y\nfeatures:\n  a: {monotonic: sideways}\n")
    capsys.readouterr()
    assert main(["fit", str(tmp_path / "bad.yaml"), str(work / "data.csv"), "-o", str(tmp_path / "m")]) == 2
    err = _err(capsys)[1]
    assert "bad.yaml" in err and "monotonic" in err and "sideways" in err and "Traceback" not in err


def test_spec_without_target(work, tmp_path, capsys):
    (tmp_path / "s.yaml").write_text("features:\n  a: {}\n")
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "s.yaml"), str(work / "data.csv")]) == 2
    assert "target" in _err(capsys)[1]


def test_usage_errors_exit_2(work, capsys):
    assert main(["fit", str(work / "spec.yaml"), str(work / "data.csv")]) == 2  # -o missing
    assert main(["frobnicate"]) == 2
    assert main(["fit", str(work / "spec.yaml"), str(work / "data.csv"), "-o", "x", "--epochs", "0"]) == 2
    assert main(["compare", str(work / "spec.yaml"), str(work / "data.csv"), "--cv", "1"]) == 2
    assert main(["drift", str(work / "model"), str(work / "data.csv")]) == 2  # --time missing
    assert main(["--version"]) == 0


@pytest.mark.parametrize("value", ["0", "1", "1.5", "high"])
def test_target_accept_outside_0_1_is_a_usage_error(work, value, capsys):
    argv = ["fit", str(work / "spec.yaml"), str(work / "data.csv"), "-o", "x", "--backend", "bayes"]
    assert main([*argv, "--target-accept", value]) == 2
    assert "target-accept" in capsys.readouterr().err


def test_sampler_settings_reach_the_bayesian_estimator():
    """The command line's sampler options (the demo raises target_accept) become estimator parameters."""
    from priorml import Spec
    from priorml.cli import build_parser, make_estimator

    args = build_parser().parse_args(["fit", "s.yaml", "d.csv", "-o", "m", "--backend", "bayes", "--draws", "30",
                                      "--tune", "40", "--chains", "3", "--target-accept", "0.95"])
    est = make_estimator(Spec.from_dict({"features": {"a": {}}}), "bayes", args, progress=False)
    assert (est.draws, est.tune, est.chains, est.target_accept) == (30, 40, 3, 0.95)
    default = make_estimator(Spec.from_dict({"features": {"a": {}}}), "bayes",
                             build_parser().parse_args(["fit", "s.yaml", "d.csv", "-o", "m"]), progress=False)
    assert default.target_accept == 0.9


def test_drift_unknown_time_column(work, capsys):
    capsys.readouterr()
    assert main(["drift", str(work / "model"), str(work / "data.csv"), "--time", "yeer", "--quiet"]) == 2
    err = _err(capsys)[1]
    assert "yeer" in err and "Did you mean 'year'" in err


# ---------------------------------------------------------------------- the installed entry point
def test_entry_point_quiet_json(work):
    exe = Path(sys.executable).with_name("priorml")
    if not exe.exists():
        pytest.skip(f"the priorml entry point is not installed next to {sys.executable}")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    res = subprocess.run([str(exe), "certify", str(work / "model"), str(work / "data.csv"), "--quiet", "--json"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["passed"] is True
    assert res.stderr.strip() == ""  # --quiet: no progress, no framework logs
    bad = subprocess.run([str(exe), "certify", str(work / "model"), str(work / "missing.csv")],
                         capture_output=True, text=True, timeout=300, env=env)
    assert bad.returncode == 2 and "missing.csv" in bad.stderr and "Traceback" not in bad.stderr


def test_declared_categories_are_read_as_text(tmp_path, capsys):
    """A CSV cell spelling a declared category keeps its text: '01' is not the number 1 and 'None' is not a
    missing value (pandas' guesses, which made fit refuse the file); other cells are parsed as before."""
    rng = np.random.default_rng(0)
    n = 60
    df = pd.DataFrame({"a": rng.uniform(0, 1, n), "code": rng.choice(["01", "02", "10"], n),
                       "damage": rng.choice(["None", "Minor", "Major"], n)})
    df["y"] = df["a"] + df["code"].map({"01": 0, "02": 1, "10": 2}) + df["damage"].map({"None": 0, "Minor": 1, "Major": 2})
    df.loc[3, "damage"] = ""  # a really missing cell
    df.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "s.yaml").write_text("target: y\nfeatures:\n  a: {monotonic: increasing}\n"
                                     "  code: {type: categorical, categories: ['01', '02', '10'], order: ['01', '02', '10']}\n"
                                     "  damage: {type: categorical, order: [None, Minor, Major], missing: mode}\n")
    assert main(["fit", str(tmp_path / "s.yaml"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "m"), *FAST]) == 0
    from priorml import load

    model = load(tmp_path / "m")
    assert [str(c) for c in model.schema_["code"].categories] == ["01", "02", "10"]
    assert [str(c) for c in model.schema_["damage"].categories] == ["None", "Minor", "Major"]
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "p.csv"), "--quiet"]) == 0
    out = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    assert out["code"].tolist() == df["code"].tolist()  # written back as read
    assert main(["certify", str(tmp_path / "m"), str(tmp_path / "d.csv"), "--quiet", "--fail-on-violation"]) == 0
    from priorml.cli import read_data

    plain = read_data(tmp_path / "d.csv")  # without a spec: pandas' parsing, unchanged
    assert plain["code"].tolist()[:3] == [int(c) for c in df["code"].tolist()[:3]]
    assert plain["damage"].isna().sum() == (df["damage"].isin(["None", ""])).sum()
    assert read_data(tmp_path / "d.csv", model.spec_)["damage"].isna().sum() == 1


# ---------------------------------------------------------------------- audit 3 (2026-12): regressions
def test_predict_names_the_columns_it_wrote(work, tmp_path, capsys):
    """A data file with a 'prediction' column gets 'predicted_prediction': the message and JSON say so."""
    df = pd.read_csv(work / "data.csv").assign(prediction=1.0)
    df.to_csv(tmp_path / "d.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(work / "model"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "o.csv"), "--json",
                 "--quiet"]) == 0
    doc = json.loads(capsys.readouterr().out)
    written = pd.read_csv(tmp_path / "o.csv")
    assert doc["columns"] == ["predicted_prediction"]
    assert set(doc["columns"]) <= set(written.columns) and (written["prediction"] == 1.0).all()


def test_predict_keeps_the_input_cells_as_written(work, tmp_path):
    """CSV in, CSV out: an ID '00042' stays '00042' and a text 'NA' stays 'NA' (pandas would write 42 and '')."""
    df = pd.read_csv(work / "data.csv")
    df["id"] = [f"{i:05d}" for i in range(len(df))]
    df["note"] = ["NA", "None", "ok"] * (len(df) // 3)
    df.to_csv(tmp_path / "d.csv", index=False)
    assert main(["predict", str(work / "model"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "o.csv"), "-q"]) == 0
    raw_in = pd.read_csv(tmp_path / "d.csv", dtype=str, keep_default_na=False)
    raw_out = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(raw_out[raw_in.columns], raw_in)
    assert list(raw_out.columns) == [*raw_in.columns, "prediction"]


def test_predict_interval_uses_the_random_state(work, tmp_path, monkeypatch):
    """--random-state seeds the Monte Carlo predictive intervals (it was ignored: always seed 0)."""
    import priorml
    import priorml.cli as cli

    seen = []
    base = priorml.load(work / "model")

    class Stub:  # a Bayesian regressor as far as predict is concerned
        spec_ = base.spec_

        def predict(self, X):
            return np.zeros(len(X))

        def predict_interval(self, X, prob=0.9, random_state=0):
            seen.append(random_state)
            return np.zeros((len(X), 2))

    monkeypatch.setattr(cli, "_load_model", lambda path: Stub())
    assert main(["predict", "m", str(work / "data.csv"), "-o", str(tmp_path / "o.csv"), "--interval", "0.8",
                 "--random-state", "7", "-q"]) == 0
    assert seen == [7]


def test_quiet_keeps_priorml_data_warnings(work, tmp_path, capsys):
    """--quiet silences frameworks, not priorml's DataWarning (here: output bounds in the wrong units)."""
    (tmp_path / "s.yaml").write_text(SPEC + "output: {min: 100, max: 200}\n")
    capsys.readouterr()
    assert main(["fit", str(tmp_path / "s.yaml"), str(work / "data.csv"), "-o", str(tmp_path / "m"),
                 "--model", "linear", "--epochs", "3", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "output bounds" in err


def test_duplicate_csv_header_is_refused(work, tmp_path, capsys):
    """pandas renames a second 'a' to 'a.1' silently; the model would read either copy."""
    (tmp_path / "d.csv").write_text("a,b,g,y,a\n0.1,0.2,lo,1,0.9\n0.3,0.4,hi,2,0.7\n")
    capsys.readouterr()
    assert main(["predict", str(work / "model"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "d.csv" in err and "'a'" in err and "more than once" in err and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


def test_output_is_written_atomically(work, tmp_path, monkeypatch, capsys):
    """A write that fails half-way (full disk) leaves the previous file intact and no temporary file behind,
    and is reported naming the file, with exit status 2 and no traceback."""
    out = tmp_path / "o.csv"
    out.write_text("previous\n")

    def half_then_fail(self, path, *a, **k):
        Path(path).write_text("a,b\n1,")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    capsys.readouterr()
    assert main(["predict", str(work / "model"), str(work / "data.csv"), "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "o.csv" in err and "No space left" in err and "Traceback" not in err
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


def test_output_path_that_is_a_directory(work, tmp_path, capsys):
    capsys.readouterr()
    assert main(["predict", str(work / "model"), str(work / "data.csv"), "-o", str(tmp_path), "-q"]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_drift_dates_read_as_text_are_cut_by_period(work, tmp_path, capsys):
    """Dates in a CSV (pandas 3 reads them as 'str', not object) are parsed, so --freq Q works."""
    df = pd.read_csv(work / "data.csv")
    df["date"] = pd.date_range("2020-01-01", periods=len(df), freq="W").strftime("%Y-%m-%d")
    df.to_csv(tmp_path / "d.csv", index=False)
    capsys.readouterr()
    assert main(["drift", str(work / "model"), str(tmp_path / "d.csv"), "--time", "date", "--freq", "Q", "--json",
                 "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [b["label"] for b in doc["batches"]][:2] == ["2020Q1", "2020Q2"] and doc["n_batches"] == 10


def test_drift_batching_errors_name_the_command_line_options(work, capsys):
    capsys.readouterr()
    assert main(["drift", str(work / "model"), str(work / "data.csv"), "--time", "year", "--freq", "1", "--batches",
                 "2", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--freq/--batches: expected at most one of --freq and --batches" in err  # was: freq/n_batches
    assert "n_batches" not in err


def test_drift_state_file_that_exists(work, tmp_path, capsys):
    (tmp_path / "state.json").write_text("{}")
    capsys.readouterr()
    assert main(["drift", str(work / "model"), str(work / "data.csv"), "--time", "year", "--state",
                 str(tmp_path / "state.json"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "state.json" in err and "exists" in err and "new path" in err


def test_drift_model_without_target(work, tmp_path, capsys):
    """A model fitted in Python with a spec without 'target:': the message says to refit, not to edit a spec."""
    import priorml

    df = pd.read_csv(work / "data.csv")
    priorml.LatticeRegressor({"features": {"a": {"monotonic": 1}}}, model="linear", epochs=2).fit(
        df[["a"]], df["y"]).save(tmp_path / "m")
    capsys.readouterr()
    assert main(["drift", str(tmp_path / "m"), str(work / "data.csv"), "--time", "year", "-q"]) == 2
    err = capsys.readouterr().err
    assert "saved model" in err and "target" in err and "Refit" in err


def test_report_holdout_too_few_of_a_class(tmp_path, capsys):
    """The default 20 % hold-out cannot be stratified with a class of one row: a clear error, not a traceback."""
    df = pd.DataFrame({"a": np.linspace(0, 1, 40), "y": ["no"] * 39 + ["yes"]})
    df.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "s.yaml").write_text("target: y\ntask: classification\nfeatures:\n  a: {monotonic: increasing}\n")
    capsys.readouterr()
    assert main(["report", str(tmp_path / "s.yaml"), str(tmp_path / "d.csv"), "-o", str(tmp_path / "r.html"),
                 "--no-compare", "--no-check", *FAST]) == 2
    err = capsys.readouterr().err
    assert "d.csv" in err and "--test-size" in err and "Traceback" not in err
    assert "too few" in err  # the reason, not only "Invalid data"
    assert not (tmp_path / "r.html").exists()


def test_report_refuses_a_model_fitted_with_another_spec(work, tmp_path, capsys):
    """The report describes the model's own spec but compares and checks SPEC: they must be the same."""
    (tmp_path / "s.yaml").write_text(SPEC.replace("b: {monotonic: decreasing}", "b: {monotonic: increasing}"))
    capsys.readouterr()
    assert main(["report", str(tmp_path / "s.yaml"), str(work / "data.csv"), "-o", str(tmp_path / "r.html"),
                 "--model-dir", str(work / "model"), "--no-compare", "--no-check", "-q"]) == 2
    err = capsys.readouterr().err
    assert str(work / "model") in err and "features.b" in err and "features.a" not in err
    # the same spec under another name is accepted
    (tmp_path / "same.yaml").write_text(SPEC.replace("name: toy", "name: renamed"))
    assert main(["report", str(tmp_path / "same.yaml"), str(work / "data.csv"), "-o", str(tmp_path / "r.md"),
                 "--format", "markdown", "--model-dir", str(work / "model"), "--no-compare", "--no-check", "-q"]) == 0


@pytest.mark.parametrize("option,content,says", [
    ("--comparison", {"alpha": 0.05, "rows": []}, "'priorml check --save'"),
    ("--assumptions", {"primary_metric": "rmse", "table": []}, "'priorml compare --save'"),
    ("--drift", [1, 2], "JSON list"),
    ("--assumptions", {}, "empty object"),
])
def test_report_refuses_json_that_is_not_the_expected_result(work, tmp_path, capsys, option, content, says):
    """A swapped or foreign --comparison/--assumptions/--drift file gave an empty section or an AttributeError."""
    (tmp_path / "x.json").write_text(json.dumps(content))
    capsys.readouterr()
    assert main(["report", str(work / "spec.yaml"), str(work / "data.csv"), "-o", str(tmp_path / "r.html"),
                 "--model-dir", str(work / "model"), "--no-compare", "--no-check", option, str(tmp_path / "x.json"),
                 "-q"]) == 2
    err = capsys.readouterr().err
    assert "x.json" in err and says in err and "Traceback" not in err


def test_report_on_a_bayesian_model_still_silences_tensorflow_for_the_comparison(tmp_path):
    """The comparison's lattice model imports TensorFlow: it is imported up front with its start-up logs silenced."""
    from priorml.cli import _uses_tensorflow, build_parser

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "priorml.json").write_text(json.dumps({"estimator": "BayesianRegressor"}))
    parse = build_parser().parse_args
    base = ["report", "s.yaml", "d.csv", "-o", "r.html", "--model-dir", str(tmp_path / "m")]
    assert _uses_tensorflow(parse(base))
    assert not _uses_tensorflow(parse([*base, "--no-compare"]))
    assert not _uses_tensorflow(parse([*base, "--models", "bayes,linear"]))


def test_check_takes_loo_as_its_help_says(tmp_path, capsys):
    """`--cv K|loo` was offered to `check`, which refused loo (a Python-style hint, exit 2)."""
    (tmp_path / "spec.yaml").write_text(SPEC)
    _toy(40).to_csv(tmp_path / "d.csv", index=False)
    assert main(["check", str(tmp_path / "spec.yaml"), str(tmp_path / "d.csv"), "--cv", "loo", "--json", "--quiet",
                 "--n-bootstrap", "100"]) == 0
    assert json.loads(capsys.readouterr().out)["method"]["folds"] == 40
