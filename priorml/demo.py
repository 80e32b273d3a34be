"""The main job (``make demo`` / ``python -m priorml.demo`` / ``priorml demo``).

Runs the ``priorml`` command line end to end on the bundled Auto MPG data
and its published train/test split (314 / 78 cars), writing everything to an
output directory (default ``./priorml-demo``):

1. ``priorml fit`` the lattice model from the bundled spec on the training rows;
2. ``priorml certify`` it (every declared constraint, checked on predictions);
3. ``priorml predict`` the 78 test rows, touched once: test MSE next to an
   unconstrained random forest fitted on the same rows;
4. the same spec as a Bayesian model (skipped with ``--no-bayes``): test MSE,
   90% interval coverage, one effect with its credible band, certificate;
5. ``priorml compare`` the lattice model with unconstrained baselines by
   5-fold cross-validation on the training rows (one repeat, to keep the demo
   within a few minutes on 2 cores; ``priorml compare`` without ``--cv`` uses
   the repeated small-data protocol);
6. ``priorml check`` the spec's assumptions against the training rows;
7. ``priorml report``: one self-contained HTML validation report (with
   ``--learning-curve``, also the learning curve: several minutes more).

The output ends with the comparison table and the assumption verdicts,
followed by the line saying where the report is.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
import time
from pathlib import Path

import numpy as np

#: folds of the demo's comparison (one repeat): 5 lattice fits, a minute or two on 2 cores
DEMO_CV = 5


def _run(argv: list[str], *, capture: bool = False) -> tuple[int, str]:
    """Run one ``priorml`` command in this process; print it first. Returns (status, captured stdout)."""
    from .cli import main

    print(f"\n$ priorml {' '.join(shlex.quote(a) for a in argv)}", flush=True)
    if not capture:
        return main(argv), ""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(argv)
    return status, buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the demo.

    Parameters
    ----------
    argv : list of str or None
        ``--out DIR`` (default ``priorml-demo``), ``--seed N``, ``--no-bayes``
        (skip the Bayesian model), ``--quiet``.

    Returns
    -------
    int
        0 when every step ran and every constraint was certified, 1 when a
        certificate failed, 2 when a step could not run.
    """
    parser = argparse.ArgumentParser(prog="python -m priorml.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="priorml-demo", help="output directory (default ./priorml-demo)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-bayes", dest="bayes", action="store_false",
                        help="skip the Bayesian model (about a minute less)")
    parser.add_argument("--learning-curve", action="store_true",
                        help="add a learning curve to the report (lattice, random forest and linear at 50, 100, 200 "
                             "and all training rows, 3 folds: 12 more lattice fits, several minutes)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()

    import priorml
    from priorml import datasets

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spec_file = out / "auto_mpg.yaml"
    spec_file.write_text(Path(datasets.spec_path("auto_mpg")).read_text())
    spec = priorml.Spec.from_yaml(spec_file)
    df = datasets.load_auto_mpg()
    train, test = datasets.load_split("auto_mpg")
    cols = list(spec.feature_names) + [spec.target]
    train_csv, test_csv = out / "auto_mpg_train.csv", out / "auto_mpg_test.csv"
    df.loc[train, cols].to_csv(train_csv, index=False)
    df.loc[test, cols].to_csv(test_csv, index=False)
    model_dir, report = out / "lattice_model", out / "report.html"
    common = ["--random-state", str(args.seed)]
    common += ["--quiet"] if args.quiet else []

    print(f"priorml {priorml.__version__} demo: Auto MPG (UCI), published split {len(train)} train / {len(test)} "
          f"test rows, written to {train_csv} and {test_csv}")
    print(f"\nSpec ({spec_file}):")
    print("  " + spec.to_yaml().replace("\n", "\n  ").rstrip())

    S, TR, TE = str(spec_file), str(train_csv), str(test_csv)
    status, _ = _run(["fit", S, TR, "-o", str(model_dir), *common])
    if status:
        return 2
    cert_status, _ = _run(["certify", str(model_dir), TR, "--fail-on-violation", *common])
    if cert_status == 2:
        return 2
    pred_csv = out / "lattice_test_predictions.csv"
    status, _ = _run(["predict", str(model_dir), TE, "-o", str(pred_csv), *common])
    if status:
        return 2
    _holdout(pred_csv, df.loc[train], df.loc[test], spec, args.seed)

    if args.bayes:
        bayes_dir = out / "bayes_model"
        status, _ = _run(["fit", S, TR, "-o", str(bayes_dir), "--backend", "bayes", "--draws", "500", "--tune", "1000",
                          "--chains", "4", "--target-accept", "0.95", *common])
        if status:
            return 2
        _bayes_detail(priorml.load(bayes_dir), df.loc[test], spec)
        bayes_cert, _ = _run(["certify", str(bayes_dir), TR, "--fail-on-violation", *common])
        cert_status = max(cert_status, bayes_cert)

    compare_json, check_json = out / "comparison.json", out / "assumptions.json"
    compare_argv = ["compare", S, TR, "--cv", str(DEMO_CV), "--save", str(compare_json), *common]
    status, compare_text = _run(compare_argv, capture=True)
    if status == 2:
        return 2
    print(f"  (table printed at the end; saved to {compare_json})")
    check_argv = ["check", S, TR, "--save", str(check_json), *common]
    status, check_text = _run(check_argv, capture=True)
    if status == 2:
        return 2
    print(f"  (verdicts printed at the end; saved to {check_json})")
    curve = ["--learning-curve", "--cv", "3"] if args.learning_curve else []
    status, _ = _run(["report", S, TR, "--test", TE, "--model-dir", str(model_dir), "--comparison", str(compare_json),
                      "--assumptions", str(check_json), *curve, "-o", str(report), *common])
    if status:
        return 2

    print(f"\nDemo finished in {time.perf_counter() - t_start:.0f} s.")
    print(f"\n$ priorml {' '.join(shlex.quote(a) for a in compare_argv)}")
    print(compare_text.rstrip())
    print(f"\n$ priorml {' '.join(shlex.quote(a) for a in check_argv)}")
    print(check_text.rstrip())
    print(f"\nValidation report: {report.resolve()}")
    return 1 if cert_status else 0


def _holdout(pred_csv: Path, train, test, spec, seed: int) -> None:
    """Test MSE of the saved lattice model's predictions next to a random forest fitted on the same rows."""
    import pandas as pd
    from sklearn.ensemble import RandomForestRegressor

    names = list(spec.feature_names)
    yte = test[spec.target].to_numpy()
    pred = pd.read_csv(pred_csv)["prediction"].to_numpy()
    mse = float(np.mean((pred - yte) ** 2))
    Xtr, Xte = train[names], test[names]
    med = Xtr.median(numeric_only=True)
    rf = RandomForestRegressor(n_estimators=500, random_state=seed, n_jobs=-1).fit(Xtr.fillna(med), train[spec.target])
    rf_mse = float(np.mean((rf.predict(Xte.fillna(med)) - yte) ** 2))
    print(f"\nTest MSE ({len(yte)} rows, touched once):")
    label = f"priorml LatticeRegressor (saved model, {pred_csv.name}):"
    print(f"  {label} {mse:6.2f}")
    print(f"  {'unconstrained random forest (500 trees):':<{len(label)}} {rf_mse:6.2f}")
    print("  (published, chosen on the test set: COMET 8.81, CMNN 8.37, LMN 7.58; see benchmarks/RESULTS.md)")


def _bayes_detail(model, test, spec) -> None:
    """Test error, interval coverage and one effect with its credible band, from the saved Bayesian model."""
    Xte, yte = test[list(spec.feature_names)], test[spec.target].to_numpy()
    pred = model.predict(Xte)
    lo, hi = model.predict_interval(Xte, prob=0.9).T
    print(f"  test MSE {np.mean((pred - yte) ** 2):.2f}; 90% predictive interval coverage on the test rows "
          f"{np.mean((yte >= lo) & (yte <= hi)):.2f} (mean width {np.mean(hi - lo):.1f} mpg)")
    curve = model.shape_functions(grid=8)["weight"]
    print("  effect of weight on mpg (centred), posterior mean and 90% band:")
    for _, r in curve.iloc[np.linspace(0, len(curve) - 1, 8).round().astype(int)].iterrows():
        print(f"    weight {r.x:7.0f}: {r['mean']:+6.2f}  [{r.lower:+6.2f}, {r.upper:+6.2f}]")


if __name__ == "__main__":
    sys.exit(main())
