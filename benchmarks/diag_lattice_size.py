"""Diagnostic: 5-fold CV on training rows of the single lattice's ``lattice_size`` (vertices per feature).

    python benchmarks/diag_lattice_size.py [--dataset seattle_weather] [--size all] [--lattice-sizes 2 3 4] [--forest]

The training rows the benchmark suite draws with seed 0 (``suite.load`` / ``suite.subsample``)
are split into 5 folds; ``LatticeRegressor(model="lattice", lattice_size=k)`` is fitted on 4
and scored on the fifth (``--forest``: also the suite's random forest on the same folds). No test
row is read.
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


def main() -> None:
    from sklearn.base import clone

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="seattle_weather")
    ap.add_argument("--size", default="all")
    ap.add_argument("--lattice-sizes", nargs="*", type=int, default=[2, 3, 4])
    ap.add_argument("--forest", action="store_true", help="also the suite's random forest (seed 0) on the same folds")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    spec, Xtr, ytr, _, _ = suite.load(args.dataset)  # the test rows are not used
    rows = suite.subsample(ytr, args.size, 0, False)
    X, y = Xtr.iloc[rows], ytr.iloc[rows]
    if args.forest:
        (_, _, forest), = suite.make_models(spec, ["random_forest"], 0)
        errs = suite.cv_mse(lambda _: clone(forest), X, y)
        print(f"== {args.dataset} n={args.size} random forest: CV MSE {np.mean(errs):.3f} "
              f"(folds {' '.join(f'{e:.2f}' for e in errs)})", flush=True)
    for k in args.lattice_sizes:
        t0 = time.perf_counter()
        errs = suite.cv_mse(lambda seed: priorml.LatticeRegressor(spec, model="lattice", lattice_size=k, random_state=seed), X, y)
        print(f"== {args.dataset} n={args.size} lattice_size={k}: CV MSE {np.mean(errs):.3f} "
              f"(folds {' '.join(f'{e:.2f}' for e in errs)}; {time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
