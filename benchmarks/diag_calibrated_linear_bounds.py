"""Diagnostic: the calibrators of non-monotone features in the calibrated linear lattice model.

    python benchmarks/diag_calibrated_linear_bounds.py [--datasets diabetes] [--sizes 50 200] [--seeds 3]
    python benchmarks/diag_calibrated_linear_bounds.py --cv --datasets diabetes abalone auto_mpg \\
        --sizes 50 --penalties 0 1 3 10

Default mode: test error of three variants on the benchmark suite's rows and seeds
(``suite.load`` / ``suite.subsample``): calibrators bounded to [0, 1] (the revision before
957073b), unbounded without a penalty (957073b to 6171c5d), and unbounded with this revision's
smoothness penalty (``compiler.FREE_CALIBRATOR_LAPLACIAN``). The test rows are scored once per
fit, for this diagnosis only.

``--cv`` mode: how the penalty's default was chosen. For each dataset and size, the training
rows the suite draws with seed 0 are split into 5 folds; the calibrated linear model is fitted
with each penalty on 4 folds and scored on the fifth. No test row is read.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import priorml  # noqa: E402
import suite  # noqa: E402
from priorml.backends.lattice import compiler  # noqa: E402

DEFAULT_PENALTY = compiler.FREE_CALIBRATOR_LAPLACIAN
VARIANTS = {"bounded": (False, 0.0), "unbounded, no penalty": (True, 0.0),
            f"unbounded, penalty {DEFAULT_PENALTY:g} (default)": (True, DEFAULT_PENALTY)}


def mse(model, X, y) -> float:
    return float(np.mean((model.predict(X) - y.to_numpy(float)) ** 2))


def test_mode(args) -> None:
    for dataset in args.datasets:
        spec, Xtr, ytr, Xte, yte = suite.load(dataset)
        for name, (unbounded, penalty) in VARIANTS.items():
            compiler.UNBOUNDED_FREE_CALIBRATORS_IN_LINEAR, compiler.FREE_CALIBRATOR_LAPLACIAN = unbounded, penalty
            for size in args.sizes:
                errs = []
                for seed in range(args.seeds):
                    rows = suite.subsample(ytr, size, seed, False)
                    t0 = time.perf_counter()
                    m = priorml.LatticeRegressor(spec, model="linear", random_state=seed).fit(Xtr.iloc[rows], ytr.iloc[rows])
                    errs.append(mse(m, Xte, yte))
                    print(f"{dataset} {name} n={size} seed={seed} epochs={m.n_epochs_} test MSE {errs[-1]:.2f} "
                          f"({time.perf_counter() - t0:.0f} s)", flush=True)
                print(f"== {dataset} {name} n={size}: test MSE {np.mean(errs):.2f} ± {np.std(errs, ddof=1):.2f}", flush=True)


def cv_mode(args) -> None:
    for dataset in args.datasets:
        spec, Xtr, ytr, _, _ = suite.load(dataset)  # the test rows are not used
        for size in args.sizes:
            rows = suite.subsample(ytr, size, 0, False)
            X, y = Xtr.iloc[rows], ytr.iloc[rows]
            for penalty in args.penalties:
                compiler.UNBOUNDED_FREE_CALIBRATORS_IN_LINEAR, compiler.FREE_CALIBRATOR_LAPLACIAN = True, penalty
                errs = suite.cv_mse(lambda k: priorml.LatticeRegressor(spec, model="linear", random_state=k), X, y)
                print(f"== {dataset} n={size} penalty {penalty:g}: CV MSE {np.mean(errs):.3f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=["diabetes"])
    ap.add_argument("--sizes", nargs="+", default=["50", "200"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--cv", action="store_true", help="choose the penalty by 5-fold CV on training rows only")
    ap.add_argument("--penalties", nargs="+", type=float, default=[0.0, 1.0, 3.0, 10.0])
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    (cv_mode if args.cv else test_mode)(args)


if __name__ == "__main__":
    main()
