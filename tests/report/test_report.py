"""The validation report: self-contained HTML, every section, Markdown and JSON, rendering in a browser.

One calibrated-linear lattice model (20 epochs, 120 rows) and real audit
results (a 2-fold comparison, the assumption checks, a drift monitor) are
computed once for the module.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import priorml
from priorml.report import build_report, describe_spec
from priorml.report._tables import SECTIONS, summary_lines

FAST = {"model": "linear", "epochs": 20, "validation_fraction": 0.0, "learning_rate": 0.05}
HOSTILE = '<script>alert("x")</script> & "quotes"'


def _data(n: int = 120, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "g": rng.choice(["lo", "mid", "hi"], n)})
    y = 3 * X["a"] - 2 * X["b"] + X["g"].map({"lo": 0.0, "mid": 0.5, "hi": 1.0}) + rng.normal(0, 0.1, n)
    return X, y.to_numpy()


@pytest.fixture(scope="module")
def spec() -> priorml.Spec:
    return priorml.Spec.from_dict({
        "name": "toy", "description": HOSTILE, "target": "y", "output": {"min": -10},
        "features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing", "shape": "convex"},
                     "g": {"type": "categorical", "order": ["lo", "mid", "hi"]}}})


@pytest.fixture(scope="module")
def parts(spec):
    X, y = _data()
    Xte, yte = _data(40, seed=1)
    model = priorml.LatticeRegressor(spec, random_state=0, **FAST).fit(X, y)
    comparison = priorml.compare(spec, X, y, models=["lattice", "linear"], cv=2, lattice_params=FAST)
    assumptions = priorml.check_assumptions(spec, X, y, n_bootstrap=100)
    monitor = priorml.DriftMonitor(spec, model, window=2)
    for k in range(3):
        Xb, yb = _data(40, seed=10 + k)
        monitor.update(Xb, yb, label=f"q{k + 1}")
    curve = priorml.learning_curve(spec, X, y, sizes=(40, 1.0), models=["linear", "random_forest"], cv=2)
    return {"X": X, "y": y, "X_test": Xte, "y_test": yte, "model": model, "comparison": comparison,
            "assumptions": assumptions, "drift": monitor, "learning_curve": curve}


@pytest.fixture(scope="module")
def html_file(spec, parts, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    build_report(spec, parts["X"], parts["y"], model=parts["model"], X_test=parts["X_test"], y_test=parts["y_test"],
                 comparison=parts["comparison"], assumptions=parts["assumptions"], drift=parts["drift"],
                 learning_curve=parts["learning_curve"], format="html", path=path, command="pytest")
    return path


def test_html_is_self_contained(html_file):
    text = html_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", text), "the report must not reference any URL"
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", text), "only data: URIs and in-page anchors"
    assert "<link" not in text and "@import" not in text and "<script" not in text
    n_png = len(re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', text))
    assert n_png >= 3 + 3  # one effect per feature, comparison, learning-curve and drift figures


def test_user_text_is_escaped(html_file):
    text = html_file.read_text(encoding="utf-8")
    assert "alert(" not in text or "&lt;script&gt;alert(" in text
    assert '<script>alert("x")' not in text


def test_every_section_is_present_with_its_content(html_file, parts):
    text = html_file.read_text(encoding="utf-8")
    for sid, head in SECTIONS:
        assert f'<section id="{sid}">' in text
    # the spec in words, one sentence per constraint
    assert "Predicted y never decreases when a increases (all else equal)." in text
    assert "Predicted y is convex in b (all else equal)" in text
    assert "g=lo \u2264 g=mid \u2264 g=hi" in text
    # certificate table: one row per constraint (monotonic a, monotonic b, convex b, order g, output)
    cert = text.split('<section id="certificate">')[1].split("</section>")[0]
    assert cert.count("<tr>") == 1 + 5 and cert.count(">PASS<") == 5
    # the assumption verdicts with their evidence sentences
    ass = text.split('<section id="assumptions">')[1].split("</section>")[0]
    for row in parts["assumptions"].table.to_dict("records"):
        assert str(row["verdict"]) in ass
    assert "adjusted for the other features" in ass
    # comparison, learning curve, drift and provenance
    assert "lattice" in text.split('<section id="comparison">')[1].split("</section>")[0]
    curve = text.split('<section id="learning-curve">')[1].split("</section>")[0]
    assert "data:image/png" in curve and "random_forest" in curve and ">40<" in curve
    drift = text.split('<section id="drift">')[1].split("</section>")[0]
    assert "q1" in drift and "q3" in drift
    prov = text.split('<section id="provenance">')[1].split("</section>")[0]
    assert "scikit-learn" in prov and "pytest" in prov and re.search(r"[0-9a-f]{64}", prov)


def test_drift_table_shows_the_level_each_p_value_was_tested_at(spec, parts, html_file):
    """The loss test's p-value is compared with the batch's level split over its tests (test_level), not with
    the batch's level alpha_k: the table used to show only alpha_k next to the p-value, so a batch with
    test_level < p < alpha_k read as a missed alert."""
    from priorml.report._tables import fmt

    statuses = parts["drift"].statuses
    assert any(s.n_tests > 1 for s in statuses)
    drift = html_file.read_text(encoding="utf-8").split('<section id="drift">')[1].split("</section>")[0]
    head = drift.split("<thead>")[1].split("</thead>")[0]
    assert "<th>level per test</th>" in head and "<th>batch level alpha_k</th>" in head
    rows = drift.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == len(statuses)
    for row, s in zip(rows, statuses):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        header = re.findall(r"<th>(.*?)</th>", head)
        got = dict(zip(header, cells))
        assert got["level per test"] == fmt(s.test_level) and got["batch level alpha_k"] == fmt(s.level)
        assert got["p value"] == fmt(s.p_value) and got["tests"] == str(s.n_tests)
    md = build_report(spec, parts["X"], parts["y"], model=parts["model"], drift=parts["drift"], baselines=False,
                      format="markdown").split("## Drift history")[1].split("## ")[0]
    assert "| p_value | level per test |" in md
    for s in statuses:
        assert f"| {fmt(s.p_value)} | {fmt(s.test_level)} |" in md


def test_sections_not_run_say_how_to_run_them(spec, parts):
    text = build_report(spec, parts["X"], parts["y"], model=parts["model"])
    for sid in ("comparison", "learning-curve", "assumptions", "drift", "performance"):
        body = text.split(f'<section id="{sid}">')[1].split("</section>")[0]
        assert "Not run" in body or "No held-out rows" in body


def test_markdown_and_json(spec, parts):
    kw = dict(model=parts["model"], comparison=parts["comparison"].to_dict(), assumptions=parts["assumptions"],
              X_test=parts["X_test"], y_test=parts["y_test"])
    md = build_report(spec, parts["X"], parts["y"], format="markdown", **kw)
    for _, head in SECTIONS:
        assert f"## {head}" in md
    assert "| monotonic | a |" in md and "base64" not in md
    doc = json.loads(build_report(spec, parts["X"], parts["y"], format="json", **kw))
    assert doc["certificate"]["passed"] is True and len(doc["certificate"]["rows"]) == 5
    assert set(doc["effects"]) == {"a", "b", "g"}
    assert [r["model"] for r in doc["performance"]["rows"]][1:] == ["random_forest", "linear"]
    assert doc["comparison"]["primary_metric"] == "rmse"


def test_effects_follow_the_model_and_carry_the_data(spec, parts):
    doc = json.loads(build_report(spec, parts["X"], parts["y"], model=parts["model"], format="json"))
    a, b, g = (doc["effects"][k] for k in "abg")
    ea, eb = np.array(a["effect"]), np.array(b["effect"])
    assert np.all(np.diff(ea) >= -1e-6) and np.ptp(ea) > 1.5  # increasing, and not flat (true range 3)
    assert np.all(np.diff(eb) <= 1e-6) and np.ptp(eb) > 1.0
    assert len(a["partial_residual"]) == len(parts["y"]) == len(a["data_x"])
    assert sorted(g["x"]) == ["hi", "lo", "mid"]
    eg = dict(zip(g["x"], g["effect"]))
    assert eg["lo"] <= eg["mid"] <= eg["hi"]
    assert sum(g["counts"]) == len(parts["y"])


def test_categorical_effects_match_data_values_as_the_model_does():
    """Integer categories read from a float column (a NaN makes 2 into 2.0): the rows are counted in their
    category and carry partial residuals (they used to be counted nowhere, n=0 for every category, with no
    residual at all, because "2.0" != "2")."""
    from priorml.report._effects import feature_effects

    rng = np.random.default_rng(3)
    n = 120
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "k": rng.choice([1, 2, 3], n).astype(float)})
    X.loc[:9, "k"] = np.nan
    y = 2 * X["a"].to_numpy() + 0.5 * X["k"].fillna(2).to_numpy() + rng.normal(0, 0.1, n)
    spec = {"features": {"a": {"monotonic": "increasing"}, "k": {"type": "categorical", "missing": "category"}}}
    model = priorml.LatticeRegressor(spec, random_state=0, **{**FAST, "epochs": 5}).fit(X, y)
    k = feature_effects(model, X, y)["k"]
    assert k["x"] == ["1", "2", "3"]
    assert k["counts"] == [int((X["k"] == c).sum()) for c in (1, 2, 3)]  # the 10 missing rows in none
    assert k["data_x"][:10] == [None] * 10 and set(k["data_x"][10:]) == {"1", "2", "3"}
    pr = k["partial_residual"]
    assert all(v is None for v in pr[:10]) and all(v is not None for v in pr[10:])
    assert np.average(k["effect"], weights=k["counts"]) == pytest.approx(0, abs=1e-9)  # centred over the data


def test_bad_format_is_refused_before_fitting(spec, parts):
    with pytest.raises(priorml.SpecError, match="format"):
        build_report(spec, parts["X"], parts["y"], format="pdf")


def test_describe_spec_covers_every_constraint_kind():
    spec = priorml.Spec.from_dict({
        "target": "risk", "task": "classification",
        "features": {"age": {"monotonic": "increasing"}, "dose": {"unimodal": "peak"},
                     "bmi": {"monotonic": "increasing", "shape": "concave"}, "grade": {"type": "categorical",
                                                                                     "order": ["a", "b"]},
                     "free": {}},
        "interactions": [{"trust": "edgeworth", "feature": "age", "by": "bmi", "direction": "positive"},
                         {"dominance": "monotonic", "feature": "age", "over": "bmi"}]})
    kinds = [s.kind for s in describe_spec(spec)]
    for k in ("task", "monotonic", "unimodal", "concave", "order", "free", "trust", "dominance"):
        assert k in kinds
    text = " ".join(s.text for s in describe_spec(spec))
    assert "The predicted probability of risk never decreases when age increases" in text
    assert "single peak along dose" in text and "No shape constraint on free" in text


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_report_renders_in_a_headless_browser(html_file, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium found (chromium, chromium-browser, google-chrome); `make test` installs it with apt "
                    "when root or passwordless sudo is available")
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"]
    url = html_file.resolve().as_uri()
    shot = tmp_path / "report.png"
    res = subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1280,4000", url],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a real page, not a blank one
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for sid, head in SECTIONS:  # present after rendering, headings included
        assert f'id="{sid}"' in dom.stdout
        assert head.replace("&", "&amp;") in dom.stdout
    assert dom.stdout.count("data:image/png;base64,") >= 5


def test_report_command_writes_every_format(spec, parts, tmp_path, capsys):
    from priorml.cli import main

    parts["X"].assign(y=parts["y"]).to_csv(tmp_path / "d.csv", index=False)
    parts["X_test"].assign(y=parts["y_test"]).to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "s.yaml").write_text(spec.to_yaml())
    parts["model"].save(tmp_path / "m")
    (tmp_path / "cmp.json").write_text(json.dumps(parts["comparison"].to_dict()))
    base = ["report", str(tmp_path / "s.yaml"), str(tmp_path / "d.csv"), "--model-dir", str(tmp_path / "m"),
            "--comparison", str(tmp_path / "cmp.json"), "--no-check", "--quiet"]
    for fmt, name in (("html", "r.html"), ("markdown", "r.md"), ("json", "r.json")):
        assert main([*base, "--format", fmt, "-o", str(tmp_path / name)]) == 0
    assert "<section id=\"comparison\">" in (tmp_path / "r.html").read_text()
    assert "## Certificate" in (tmp_path / "r.md").read_text()
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["performance"] is None  # a saved model may have seen any row of DATA: no hold-out unless --test
    assert main([*base, "--format", "json", "--test", str(tmp_path / "t.csv"), "-o", str(tmp_path / "r2.json")]) == 0
    assert json.loads((tmp_path / "r2.json").read_text())["performance"]["n_test"] == 40
    assert doc["provenance"]["data_file_sha256"] and doc["provenance"]["command"].startswith("priorml report")
    assert main([*base, "-o", str(tmp_path / "x.html"), "--comparison", str(tmp_path / "missing.json")]) == 2


@pytest.mark.slow
def test_bayesian_report_has_bands_and_sampler_diagnostics(spec, parts):
    model = priorml.BayesianRegressor(spec, draws=200, tune=200, chains=2, progressbar=False, random_state=0)
    model.fit(parts["X"], parts["y"])
    doc = json.loads(build_report(spec, parts["X"], parts["y"], model=model, format="json"))
    a = doc["effects"]["a"]
    lo, mid, hi = (np.array(a[k]) for k in ("lower", "effect", "upper"))
    assert np.all(lo <= mid + 1e-9) and np.all(mid <= hi + 1e-9) and np.any(hi - lo > 0)
    assert doc["diagnostics"]["chains"] == 2 and "r_hat_max" in doc["diagnostics"]
    html = build_report(spec, parts["X"], parts["y"], model=model)
    diag = html.split('<section id="diagnostics">')[1].split("</section>")[0]
    assert "r_hat_max" in diag and "credible band" in html


ODD = ["cost, total", "a|b", "<i>x</i>", "engine size"]


@pytest.fixture(scope="module")
def odd():
    """Feature names holding the separators of the statements' labels (', ', ' | ', ' > '), HTML, a space, and a
    category with a line break."""
    rng = np.random.default_rng(5)
    n = 80
    X = pd.DataFrame({ODD[0]: rng.uniform(size=n), ODD[1]: rng.uniform(size=n), ODD[2]: rng.choice(["p|q", "r\ns"], n),
                      ODD[3]: rng.uniform(size=n)})
    y = (X[ODD[0]] - X[ODD[1]] + rng.normal(0, 0.1, n)).to_numpy()
    spec = {"target": "t", "features": {ODD[0]: {"monotonic": 1}, ODD[1]: {"monotonic": -1},
                                        ODD[2]: {"type": "categorical", "categories": ["p|q", "r\ns"],
                                                 "order": ["p|q", "r\ns"]},
                                        ODD[3]: {}}}
    model = priorml.LatticeRegressor(spec, random_state=0, **{**FAST, "epochs": 5}).fit(X, y)
    return spec, X, y, model


def test_effect_captions_name_the_constraints_of_odd_feature_names(odd):
    """The captions used to be found by splitting each statement's label on ',', '|' and '>': a feature whose
    name holds one of them ("cost, total", "a|b", "<i>x</i>") got the caption "No constraint: learned freely."
    although it is constrained, and the free feature "engine size" was labelled "engine"."""
    from html import escape

    spec, X, y, model = odd
    html = build_report(spec, X, y, model=model, baselines=False)
    caps = dict(re.findall(r'<figure id="effect-(.*?)">.*?<figcaption>(.*?)</figcaption>', html, re.S))
    assert set(caps) == {escape(n) for n in ODD}
    assert caps[escape(ODD[0])] == escape("Predicted t never decreases when cost, total increases (all else equal).")
    assert caps[escape(ODD[1])] == escape("Predicted t never increases when a|b increases (all else equal).")
    assert caps[escape(ODD[2])].startswith("Predicted t is ordered across categories: &lt;i&gt;x&lt;/i&gt;=p|q")
    assert caps[escape(ODD[3])] == "No constraint: learned freely."
    free = [s for s in describe_spec(model.spec_) if s.kind == "free"]
    assert [(s.features, s.names) for s in free] == [("engine size", ("engine size",))]
    assert [s.names for s in describe_spec(model.spec_) if s.kind == "monotonic"] == [(ODD[0],), (ODD[1],)]


def test_markdown_keeps_user_text_on_one_line_and_out_of_html(odd):
    """A line break in a category broke the numbered list of the spec (the rest of the sentence fell out of
    it), a name such as <i>x</i> was raw HTML in the Markdown, and the model table listed 'epochs' twice (the
    epochs used and the parameter) with internal keys as labels."""
    spec, X, y, model = odd
    md = build_report(spec, X, y, model=model, baselines=False, format="markdown")
    body = md.split("## What the model is required to do")[1].split("## ")[0].strip().splitlines()
    assert all(re.match(r"\d+\. ", line) for line in body), body
    assert not re.search(r"(?<!\\)<", md) and "\\<i>x\\</i>" in md
    model_part = md.split("## Model")[1].split("## ")[0]
    assert "| epochs used (no early stopping) | 5 |" in model_part and "| training rows | 80 |" in model_part
    assert model_part.count("| epochs |") == 1  # the parameter only


def test_summary_says_which_constraints_hold_only_trivially(spec, parts):
    """A constraint on a feature the model ignores passes trivially; the summary said only "all hold"."""
    cert = priorml.certify(parts["model"], parts["X"]).to_dict()
    assert not any(r["vacuous"] for r in cert["rows"])
    plain_md = build_report(spec, parts["X"], parts["y"], model=parts["model"], certificate=cert, format="markdown")
    assert "trivially" not in plain_md.split("## Summary")[1].split("## ")[0]
    row = next(r for r in cert["rows"] if r["constraint"] == "order")
    row.update(effect=0.0, vacuous=True)
    md = build_report(spec, parts["X"], parts["y"], model=parts["model"], certificate=cert, format="markdown")
    summary = md.split("## Summary")[1].split("## ")[0]
    assert "**OK**: Certificate: all 5 declared constraints hold" in summary
    assert "**WARN**: Certificate: 1 of the constraints that hold do so only trivially" in summary
    assert "(order g)" in summary


def test_the_report_names_the_model_and_refuses_the_certificate_of_another(spec, parts):
    """The provenance records the model's fingerprint; a certificate computed for another model (another fit)
    was reported as this model's."""
    model = parts["model"]
    doc = json.loads(build_report(spec, parts["X"], parts["y"], model=model, baselines=False, format="json"))
    assert doc["provenance"]["model_sha256"] == model.fingerprint()
    other = priorml.LatticeRegressor(spec, random_state=1, **FAST).fit(parts["X"], parts["y"])
    for cert in (priorml.certify(other, parts["X"]), priorml.certify(other, parts["X"]).to_dict()):
        with pytest.raises(priorml.DataError, match=r"certificate: expected the certificate of this model.*"
                                                    r"another model.*Certify this model"):
            build_report(spec, parts["X"], parts["y"], model=model, certificate=cert, format="json")


def test_performance_note_does_not_vouch_for_a_model_fitted_elsewhere(spec, parts):
    """The note said the test rows were "held out once before any fitting" also for a model passed in, which the
    report did not fit and which may have seen them. A model passed in that records these very rows as its
    training rows (SHA-256 of the rows as it read them) is vouched for; one fitted on other rows is not, and the
    summary says that the report's training rows are not the model's."""
    X, y = parts["X"], parts["y"]
    doc = json.loads(build_report(spec, X, y, model=parts["model"], X_test=parts["X_test"],
                                  y_test=parts["y_test"], baselines=False, format="json"))
    assert doc["provenance"]["training_data_check"] == "same"
    assert doc["provenance"]["model_training_rows"] == len(y)
    assert doc["provenance"]["model_training_data_sha256"] == parts["model"].training_data_["sha256"]
    note = doc["performance"]["note"]
    assert "on exactly the training rows given to the report" in note and "no baseline" in note
    assert not any("Training rows" in text for _, text in summary_lines(doc))

    elsewhere = priorml.LatticeRegressor(spec, random_state=0, **FAST).fit(X.iloc[:-5], y[:-5])
    doc = json.loads(build_report(spec, X, y, model=elsewhere, X_test=parts["X_test"], y_test=parts["y_test"],
                                  baselines=False, format="json"))
    note = doc["performance"]["note"]
    assert "before any fitting" not in note and "cannot tell whether it saw these test rows" in note
    assert doc["provenance"]["training_data_check"] == "different"
    assert doc["model"]["n_train"] == len(y) - 5  # the model's own count, not the rows passed in
    assert ("warn", f"Training rows: the model was NOT fitted on the rows given here: it records {len(y) - 5} "
            "training rows with another SHA-256; figures labelled training rows describe other data.") \
        in summary_lines(doc)
    md = build_report(spec, X, y, model=elsewhere, baselines=False, format="markdown")
    assert "**WARN**: Training rows: the model was NOT fitted on the rows given here" in md

    doc = json.loads(build_report(spec, X, y, model_params=FAST, X_test=parts["X_test"],
                                  y_test=parts["y_test"], baselines=["linear"], format="json"))
    assert doc["performance"]["note"].startswith("Test rows held out once before any fitting")
    assert doc["provenance"]["training_data_check"] == "same"


def test_a_model_without_a_training_record_is_reported_as_unchecked(spec, parts):
    """A model saved by an earlier priorml (no training_data_) cannot be checked: the report says so."""
    import copy

    model = copy.deepcopy(parts["model"])
    del model.training_data_
    doc = json.loads(build_report(spec, parts["X"], parts["y"], model=model, X_test=parts["X_test"],
                                  y_test=parts["y_test"], baselines=False, format="json"))
    assert doc["provenance"]["training_data_check"] == "unknown"
    assert "cannot tell whether it saw these test rows" in doc["performance"]["note"]
    assert any(s == "info" and "records no digest of its training rows" in t for s, t in summary_lines(doc))


def test_report_path_folder_is_refused_before_fitting_and_parents_are_made(spec, parts, tmp_path, monkeypatch):
    """A folder as path was a raw IsADirectoryError after the whole report had been computed, and a path in a
    missing folder a FileNotFoundError (the command line makes the folder)."""
    import priorml.report as rep

    def boom(*a, **k):
        raise AssertionError("computed before the path was checked")

    with monkeypatch.context() as m:
        m.setattr(rep, "collect_report", boom)
        with pytest.raises(priorml.SpecError, match="path"):
            build_report(spec, parts["X"], parts["y"], model=parts["model"], path=tmp_path, format="json")
    out = tmp_path / "new" / "deeper" / "r.json"
    build_report(spec, parts["X"], parts["y"], model=parts["model"], path=out, format="json")
    assert json.loads(out.read_text(encoding="utf-8"))["certificate"]["passed"] is True


def test_comparison_sentence_states_the_interval_level(spec, parts):
    from priorml.report._tables import comparison_verdict

    text = comparison_verdict(parts["comparison"].to_dict())
    assert f"{100 * parts['comparison'].confidence:g}% interval [" in text


@pytest.mark.parametrize("case", ["lognormal", "bounds"])
def test_bayesian_effects_are_on_the_prediction_scale_behind_a_link(case):
    """Behind a link (lognormal, output bounds) the report drew the additive term, on the log or link scale,
    labelled as an effect on the target and mixed with partial residuals in target units (a lognormal effect
    of range 2 for a prediction moving by 10). A MAP fit (one point) was drawn with a zero-width "credible
    band" and described as a posterior mean with its band."""
    from priorml.report._effects import _partial_dependence, feature_effects

    rng = np.random.default_rng(0)
    n = 150
    X = pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n)})
    y = np.exp(1 + 2 * X["a"] - X["b"] + rng.normal(0, 0.1, n)).to_numpy()
    spec = {"target": "y", "features": {"a": {"monotonic": 1}, "b": {}}}
    kw = {"likelihood": "lognormal"} if case == "lognormal" else {}
    if case == "bounds":
        spec["output"] = {"min": 0, "max": 60}
    model = priorml.BayesianRegressor(spec, method="map", random_state=0, progressbar=False, **kw).fit(X, y)
    a = feature_effects(model, X, y)["a"]
    grid = np.array(a["x"])
    truth = _partial_dependence(model, X, "a", grid)  # of the prediction, over every row
    assert np.ptp(a["effect"]) == pytest.approx(np.ptp(truth), rel=0.05)
    assert a["curve"] == "partial dependence" and a["scale"] == "y"
    assert a["lower"] is None and a["upper"] is None
    html = build_report(spec, X, y, model=model, baselines=False)
    eff = html.split('<section id="effects">')[1].split("</section>")[0]
    assert "no credible band" in eff and "credible band" not in eff.replace("no credible band", "")


def test_holdout_split_with_too_few_of_a_class_is_a_data_error_naming_y():
    from priorml import DataError, Spec
    from priorml.report import holdout_split

    spec = Spec.from_dict({"task": "classification", "features": {"a": {}}})
    with pytest.raises(DataError, match="too few") as info:  # was: scikit-learn's bare ValueError
        holdout_split(spec, pd.DataFrame({"a": np.arange(40.0)}), ["no"] * 39 + ["yes"], 0.2)
    assert [p.where for p in info.value.problems] == ["y"]


def test_a_certificate_that_cannot_be_this_models_is_refused(spec, parts):
    """A certificate without a fingerprint (another model's with the key removed), an empty one (the summary then
    said the spec declares no checkable constraint) and a value that is no certificate were accepted or raised
    AttributeError; a model that is not a priorml estimator failed deep inside with AttributeError."""
    model, X, y = parts["model"], parts["X"], parts["y"]
    other = priorml.certify(priorml.LatticeRegressor(spec, random_state=1, **FAST).fit(X, y), X).to_dict()
    other.pop("model_sha256")
    cases = [(other, "a certificate that names no model fingerprint"), ({}, r"a dict without 'rows'"), ("yes", "a str"),
             (5, "an? int")]
    for cert, what in cases:
        with pytest.raises(priorml.DataError, match=rf"certificate: expected .*got {what}"):
            build_report(spec, X, y, model=model, certificate=cert, baselines=False, format="json")
    from sklearn.linear_model import LinearRegression

    with pytest.raises(priorml.DataError, match=r"model: expected a fitted priorml estimator .*got a LinearRegression"):
        build_report(spec, X, y, model=LinearRegression().fit(X[["a", "b"]], y), format="json")
    own = priorml.certify(model, X)  # its own certificate, or its to_dict(), still goes in
    for cert in (own, own.to_dict()):
        build_report(spec, X, y, model=model, certificate=cert, baselines=False, format="json")
