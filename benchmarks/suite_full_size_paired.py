"""Full training size: is the best constrained model within test-set noise of the best baseline?

    python benchmarks/suite_full_size_paired.py [--datasets diabetes seattle_weather] [--seeds 3]

At size "all" every seed trains on the same rows, so the suite's paired per-seed standard error
only measures the models' own seed noise, not the noise of a finite test set. This script refits,
for each dataset, the two models the suite's summary compares at full size (best constrained and
best baseline, read from ``benchmarks/results/suite.json``) with the same seeds, averages each test
row's loss (squared error; 0/1 error for classification) over the seeds, and reports the mean
per-row loss difference with its standard error over the test rows and a 95 % t interval
(a paired test on the test rows, as in Diebold and Mariano 1995). Positive = constrained better.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import suite  # noqa: E402


def row_losses(est, X, y, classification: bool) -> np.ndarray:
    pred = np.asarray(est.predict(X))
    if classification:
        return (pred != y.to_numpy()).astype(float)
    return (pred.astype(float) - y.to_numpy(float)) ** 2


def main() -> None:
    from scipy import stats

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=None, help="default: every dataset in suite.json")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--results", default=str(suite.DEFAULT_OUT))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    doc = json.loads(Path(args.results).read_text())
    pairs = {p["dataset"]: p for p in suite.summarise(doc["records"])["per_dataset"] if p["size"] == "all"}
    print("| dataset | best constrained | best baseline | mean loss difference per test row ± se | 95 % interval | verdict |")
    print("|---|---|---|---|---|---|")
    for ds in args.datasets or list(pairs):
        p = pairs[ds]
        spec, Xtr, ytr, Xte, yte = suite.load(ds)
        clf = spec.task == "classification"
        rows = suite.subsample(ytr, "all", 0, clf)
        loss = {}
        for name in (p["best_constrained"], p["best_baseline"]):
            per_seed = [row_losses(est.fit(Xtr.iloc[rows], ytr.iloc[rows]), Xte, yte, clf)
                        for seed in range(args.seeds) for _, _, est in suite.make_models(spec, [name], seed)]
            loss[name] = np.mean(per_seed, axis=0)
        d = loss[p["best_baseline"]] - loss[p["best_constrained"]]
        se = float(np.std(d, ddof=1) / np.sqrt(len(d)))
        t = stats.t.ppf(0.975, len(d) - 1)
        lo, hi = d.mean() - t * se, d.mean() + t * se
        verdict = "constrained better" if lo > 0 else "baseline better" if hi < 0 else "within noise"
        print(f"| {ds} | {p['best_constrained']} {loss[p['best_constrained']].mean():.4g} | {p['best_baseline']} "
              f"{loss[p['best_baseline']].mean():.4g} | {d.mean():+.4g} ± {se:.3g} | [{lo:+.4g}, {hi:+.4g}] | {verdict} |",
              flush=True)


if __name__ == "__main__":
    main()
