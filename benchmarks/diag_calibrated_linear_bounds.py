"""Diagnostic: calibrated linear lattice model on diabetes, non-monotone calibrators unbounded
(this revision's default) against bounded to the lattice range (the revision before 957073b).

    python benchmarks/diag_calibrated_linear_bounds.py [--sizes 50 200] [--seeds 3]

Same rows and seeds as the benchmark suite (``suite.load`` / ``suite.subsample``); the test rows
are scored once per fit, for this diagnosis only (no choice is made from them here).
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="diabetes")
    ap.add_argument("--sizes", nargs="+", default=["50", "200"])
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    spec, Xtr, ytr, Xte, yte = suite.load(args.dataset)
    for unbounded in (True, False):
        compiler.UNBOUNDED_FREE_CALIBRATORS_IN_LINEAR = unbounded
        for size in args.sizes:
            errs = []
            for seed in range(args.seeds):
                rows = suite.subsample(ytr, size, seed, False)
                t0 = time.perf_counter()
                m = priorml.LatticeRegressor(spec, random_state=seed).fit(Xtr.iloc[rows], ytr.iloc[rows])
                errs.append(float(np.mean((m.predict(Xte) - yte.to_numpy(float)) ** 2)))
                print(f"unbounded={unbounded} n={size} seed={seed} {m.model_type_} epochs={m.n_epochs_} "
                      f"test MSE {errs[-1]:.1f} ({time.perf_counter() - t0:.0f} s)", flush=True)
            print(f"unbounded={unbounded} n={size}: {np.mean(errs):.1f} ± {np.std(errs, ddof=1):.1f}", flush=True)


if __name__ == "__main__":
    main()
