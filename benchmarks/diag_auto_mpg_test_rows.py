"""Diagnostic: how much of each model's Auto MPG test MSE comes from its largest test errors.

    python benchmarks/diag_auto_mpg_test_rows.py [--seed 0] [--bayes]

Fits, on the 314 training rows of the published split, the untuned baselines of
``run_published_splits.py`` and the lattice configuration fixed there in advance (``FIXED``), then
lists for each model its test MSE, the share of it due to the two largest squared errors, and
the MSE without those two rows; and the cars behind the largest errors. ``--bayes`` adds the
Bayesian estimator with its defaults (posterior-mean prediction). Nothing is chosen from
the test rows here: this only explains why test MSE and cross-validated MSE disagree on this split.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_published_splits import FIXED, _clone, baselines, load  # noqa: E402

import priorml  # noqa: E402
from priorml import datasets  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bayes", action="store_true", help="also the BayesianRegressor with its defaults")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    spec, Xtr, ytr, Xte, yte, _ = load("auto_mpg")
    models = {name: _clone(est) for name, est in baselines(spec, args.seed).items()}
    models["priorml lattice (FIXED config)"] = priorml.LatticeRegressor(spec, random_state=args.seed, **FIXED["auto_mpg"])
    if args.bayes:
        models["priorml Bayesian (defaults)"] = priorml.BayesianRegressor(spec, random_state=args.seed, progressbar=False)
    y = yte.to_numpy(float)
    worst = {}
    print(f"{'model':<34} {'test MSE':>9} {'top-2 share':>12} {'MSE without top-2 rows':>23}")
    for name, m in models.items():
        err = (np.asarray(m.fit(Xtr, ytr).predict(Xte), float) - y) ** 2
        top = np.argsort(err)[-2:]
        worst[name] = top
        print(f"{name:<34} {err.mean():9.2f} {err[top].sum() / err.sum():12.0%} {np.delete(err, top).mean():23.2f}")
    names = datasets.load_auto_mpg().loc[yte.index, "name"]
    print("\nlargest errors (row of the original file: car, mpg; models with it among their two worst):")
    for row in sorted({int(yte.index[i]) for top in worst.values() for i in top}):
        who = [n for n, top in worst.items() if row in {int(yte.index[i]) for i in top}]
        print(f"  {row}: {names.loc[row]}, mpg {yte.loc[row]}: {', '.join(who)}")


if __name__ == "__main__":
    main()
