"""Diagnostic: the ``model="auto"`` rule for many features, checked by CV on training rows only.

    python benchmarks/diag_auto_model.py [--datasets auto_mpg heart ...] [--sizes 100 200 all]
        [--models linear ensemble] [--seeds 0 1 2] [--out benchmarks/results/diag_auto_model.json]

With more than 6 features and fewer than 5,000 rows, ``model="auto"`` fits the calibrated linear
model instead of a lattice ensemble (since 2026-12-01, except for classifiers with 100 to 200 rows,
from this script's runs). For each dataset of the benchmark suite with more than 6
features, this script takes the training rows the suite draws with seed 0 (``--seeds`` for more
draws; ``suite.load`` / ``suite.subsample``), splits them into 5 folds (stratified for classifiers,
shuffled with the same seed),
fits ``LatticeRegressor``/``LatticeClassifier(model=m)`` with every other setting at its default
on 4 folds and scores the fifth: MSE for regression; log loss and error rate at 0.5 for
classification. No test row is read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import priorml  # noqa: E402
import suite  # noqa: E402

MANY = ["auto_mpg", "heart", "diabetes", "breast_cancer", "abalone"]  # more than 6 features each


def cv_scores(spec, X, y, model: str, seed: int = 0) -> dict[str, list[float]]:
    clf = spec.task == "classification"
    cls = priorml.LatticeClassifier if clf else priorml.LatticeRegressor
    return suite.cv_scores(lambda fold: cls(spec, model=model, random_state=fold), X, y, clf, seed=seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="*", default=MANY)
    ap.add_argument("--sizes", nargs="*", default=["100", "200", "all"])
    ap.add_argument("--models", nargs="*", default=["linear", "ensemble"])
    ap.add_argument("--seeds", nargs="*", type=int, default=[0],
                    help="draws of training rows (the suite's seeds); the folds are shuffled with the same seed")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows_out = []
    cells = ((seed, cell) for seed in args.seeds for cell in suite.training_cells(args.datasets, args.sizes, seed))
    for seed, (ds, spec, size, X, y) in cells:
        for m in args.models:
            t0 = time.perf_counter()
            sc = cv_scores(spec, X, y, m, seed=seed)
            rec = {"dataset": ds, "size": size, "seed": seed, "n": len(y), "model": m,
                   **{key: float(np.mean(v)) for key, v in sc.items()},
                   "folds": sc, "seconds": round(time.perf_counter() - t0, 1)}
            rows_out.append(rec)
            scores = ", ".join(f"{key} {np.mean(v):.4g}" for key, v in sc.items())
            print(f"== {ds} n={size} seed={seed} model={m}: CV {scores} ({rec['seconds']:.0f} s)", flush=True)
            if args.out:
                Path(args.out).write_text(json.dumps({"command": " ".join(sys.argv), "records": rows_out},
                                                     indent=1) + "\n")


if __name__ == "__main__":
    main()
