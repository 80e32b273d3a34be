"""How the Bayesian estimator's default prior scales (``effect_scale``, ``smoothness``) were chosen.

    python benchmarks/diag_bayes_priors.py --datasets auto_mpg diabetes --sizes 100 200 \\
        --effect-scales 0.5 1 2 learn [--smoothness 1] [--folds 3] [--out benchmarks/results/diag_bayes_priors.json]
    python benchmarks/diag_bayes_priors.py --summary-only [OTHER_RESULT_FILES]

For each dataset and size, the training rows the benchmark suite draws with seed 0
(``suite.load`` / ``suite.subsample``) are split into ``--folds`` folds (stratified for
classification, shuffled with seed 0). The Bayesian estimator is fitted with each candidate
(``effect_scale``, ``smoothness``) on the other folds and scored on the held-out fold: squared error of the
posterior mean (regression), log loss and error rate at 0.5 (classification). **No test row is
read.** The table reports, per dataset, the CV loss of every candidate and its ratio to that
dataset's best, and per task the mean ratio over datasets: the candidate with the lowest mean
ratio is the default. Sampling is lighter than the estimator's default (2 chains of 500 draws
after 500 tuning steps; ``--draws``/``--tune``/``--chains``) to keep the run short; the
posterior mean it scores is the same quantity.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import priorml  # noqa: E402
import suite  # noqa: E402


def scale_arg(text: str) -> float | str:
    """A number, or ``learn`` (a shared effect level learned from the data)."""
    return text if text == "learn" else float(text)


def fmt(s: float | str) -> str:
    return s if isinstance(s, str) else f"{s:g}"


def fold_losses(spec, X, y, effect_scale: float | str, smoothness: float, args) -> dict:
    from sklearn.model_selection import KFold, StratifiedKFold

    clf = spec.task == "classification"
    split = (StratifiedKFold if clf else KFold)(args.folds, shuffle=True, random_state=0).split(X, y)
    losses, errors = [], []
    for i, (a, b) in enumerate(split):
        cls = priorml.BayesianClassifier if clf else priorml.BayesianRegressor
        est = cls(spec, effect_scale=effect_scale, smoothness=smoothness, draws=args.draws, tune=args.tune, chains=args.chains,
                  random_state=i, progressbar=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X.iloc[a], y.iloc[a])
        scores = suite.evaluate(est, X.iloc[b], y.iloc[b], clf)  # the suite's own metrics
        losses.append(scores["log_loss" if clf else "mse"])
        if clf:
            errors.append(scores["error"])
    out = {"loss": float(np.mean(losses)), "fold_losses": losses}
    if clf:
        out["error"] = float(np.mean(errors))
    return out


def config(r: dict) -> tuple[float, float]:
    return (r["effect_scale"], r.get("smoothness", 1.0))


def table(results: list[dict]) -> str:
    lines = []
    scales = sorted({config(r) for r in results}, key=lambda c: (isinstance(c[0], str), str(c[0]) if isinstance(c[0], str)
                                                                 else c[0], c[1]))
    cells = sorted({(r["task"], r["dataset"], r["size"]) for r in results})
    ratio: dict[tuple, list[float]] = {}
    lines.append("| task | dataset | size | " + " | ".join(f"effect_scale {fmt(s)}, smoothness {m:g}" for s, m in scales) + " |")
    lines.append("|---|---|---|" + "---|" * len(scales))
    for task, ds, size in cells:
        got = {config(r): r for r in results if (r["task"], r["dataset"], r["size"]) == (task, ds, size)}
        best = min(r["loss"] for r in got.values())
        row = []
        for s in scales:
            if s not in got:
                row.append("")
                continue
            r = got[s]
            ratio.setdefault((task, size, s), []).append(r["loss"] / best)
            extra = f", error {r['error']:.3f}" if "error" in r else ""
            row.append(f"{r['loss']:.4g} ({r['loss'] / best:.3f}{extra})")
        lines.append(f"| {task} | {ds} | {size} | " + " | ".join(row) + " |")
    lines.append("")
    lines.append("| task | size | " + " | ".join(f"{fmt(s)} / {m:g}" for s, m in scales) + " | datasets |")
    lines.append("|---|---|" + "---|" * len(scales) + "---|")
    for task, size in sorted({(t, z) for t, _, z in cells}):
        vals = [ratio.get((task, size, s)) for s in scales]
        n = max(len(v) for v in vals if v)
        lines.append(f"| {task} | {size} | " + " | ".join(f"{np.mean(v):.3f}" if v else "" for v in vals) + f" | {n} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", nargs="+", default=priorml.datasets.names(), choices=priorml.datasets.names())
    ap.add_argument("--sizes", nargs="+", default=["100", "200"])
    ap.add_argument("--effect-scales", nargs="+", type=scale_arg, default=[0.5, 1.0, 2.0],
                    help="numbers, and/or 'learn' (a shared effect level learned from the data)")
    ap.add_argument("--smoothness", nargs="+", type=float, default=[1.0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--tune", type=int, default=500)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--out", default="benchmarks/results/diag_bayes_priors.json")
    ap.add_argument("--summary-only", nargs="*", metavar="FILE",
                    help="print the tables of --out and of these other result files, and exit")
    args = ap.parse_args(argv)
    out = Path(args.out)
    results = json.loads(out.read_text())["results"] if out.exists() else []
    if args.summary_only is not None:
        for extra in args.summary_only:
            results += json.loads(Path(extra).read_text())["results"]
    else:
        for ds, spec, size, X, y in suite.training_cells(args.datasets, args.sizes):
            for s, m in itertools.product(args.effect_scales, args.smoothness):
                if any((r["dataset"], r["size"], config(r)) == (ds, size, (s, m)) for r in results):
                    continue
                t0 = time.perf_counter()
                r = {"task": spec.task, "dataset": ds, "size": size, "effect_scale": s, "smoothness": m,
                     **fold_losses(spec, X, y, s, m, args), "seconds": time.perf_counter() - t0}
                results.append(r)
                print(json.dumps(r), flush=True)
                tmp = out.with_suffix(".tmp")
                tmp.write_text(json.dumps({"command": " ".join(sys.argv), "results": results}, indent=1) + "\n")
                tmp.replace(out)
    print(table(results))


if __name__ == "__main__":
    main()
