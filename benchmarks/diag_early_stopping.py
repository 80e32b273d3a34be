"""Diagnostic, training rows only: which early-stopping rule picks good epoch counts?

    python benchmarks/diag_early_stopping.py [--dataset auto_mpg] [--model lattice] [--seeds 3]

On the published split's *training rows* only (the test rows are never loaded into a model), with
one fixed K-fold split (KFold, seed 0), for each estimator seed r and each fold, exactly as
``LatticeProgram.fit`` does it (same initial weights, internal splits, batch orders and steps per
epoch):

* the validation-loss curve of each of the estimator's internal early-stopping splits
  (``validation_splits`` blocks of ``validation_fraction`` of the fold's training part), for
  ``--max-epochs`` epochs without stopping;
* the refit on the fold's whole training part, with the held-out fold scored after every epoch.

Early-stopping rules are then replayed offline on those curves (``stop_point`` / ``choose_epochs``
of the backend), so every rule is judged on the same fits: the held-out CV error of the epoch
count each rule picks, its spread over seeds, and fixed epoch counts for reference. Regression
only (the held-out score is the MSE, from the loss in model units). Writes
``benchmarks/results/diag_early_stopping_rules_<dataset>_<model>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_published_splits import load  # noqa: E402

#: rule name -> (internal splits used, min_epochs, patience); every split holds out 20 %.
RULES = {
    "1 split, no minimum (like the old default)": (1, 1, 50),
    "1 split, min 100": (1, 100, 50),
    "3 splits averaged, no minimum": (3, 1, 50),
    "3 splits averaged, min 100 (new default)": (3, 100, 50),
    "3 splits averaged, min 50": (3, 50, 50),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="auto_mpg", choices=["auto_mpg"])
    ap.add_argument("--model", default="lattice")
    ap.add_argument("--learning-rate", type=float, default=0.01)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--max-epochs", type=int, default=300)
    args = ap.parse_args(argv)

    from sklearn.model_selection import KFold

    from priorml.backends.lattice import compiler
    from priorml.backends.lattice.program import (LatticeProgram, TrainConfig, _auto_batch, choose_epochs,
                                                  stop_point, validation_splits)
    from priorml.estimators._base import fit_schema

    spec, Xtr, ytr, *_ = load(args.dataset)  # test rows unused
    fold_list = list(KFold(args.folds, shuffle=True, random_state=0).split(Xtr))
    E = args.max_epochs
    n_splits = max(r[0] for r in RULES.values())
    runs = []
    t_all = time.time()
    for r in range(args.seeds):
        for f, (tr_rows, va_rows) in enumerate(fold_list):
            t0 = time.time()
            Xa, ya, Xv, yv = Xtr.iloc[tr_rows], ytr.iloc[tr_rows].to_numpy(), Xtr.iloc[va_rows], ytr.iloc[va_rows].to_numpy()
            schema, X = fit_schema(spec, Xa, ya)
            y = schema.scale_y(ya).astype(np.float32)
            plan = compiler.plan_model(spec, schema, y, model_type=args.model, lattice_size=2, n_lattices=None,
                                       lattice_rank=3, random_state=r)
            prog = LatticeProgram(spec, schema, plan)
            trainer = prog._trainer(TrainConfig(learning_rate=args.learning_rate, random_state=r))
            X = X.astype(np.float32)
            n = len(X)
            w = np.ones(n, np.float32)
            vals = validation_splits(n, 0.2, n_splits, np.random.default_rng(r))
            split_curves = []
            for k, va in enumerate(vals):
                tr = np.setdiff1d(np.arange(n), va)
                order = np.random.default_rng([r, k + 1])
                perms = np.stack([order.permutation(len(tr)) for _ in range(E)])
                trainer.reset()
                _, val = trainer.run(X[tr], y[tr], w[tr], perms, min(_auto_batch(len(tr)), len(tr)), X[va], y[va], w[va])
                split_curves.append(val)
            order = np.random.default_rng([r, 0])
            perms = np.stack([order.permutation(n) for _ in range(E)])
            trainer.reset()
            Xh = schema.transform(spec, Xv).astype(np.float32)
            yh = schema.scale_y(yv).astype(np.float32)
            _, held = trainer.run(X, y, w, perms, min(_auto_batch(n), n), Xh, yh, np.ones(len(yh), np.float32))
            cv_curve = held * schema.y_scale ** 2  # held-out MSE in mpg^2 after every epoch
            chosen = {}
            for name, (k, m, p) in RULES.items():
                mean = np.mean(split_curves[:k], axis=0)
                stop = stop_point(mean, p, m)
                chosen[name] = choose_epochs(mean[:stop] if stop else mean, m)
            runs.append({"seed": r, "fold": f, "cv_curve": cv_curve.tolist(),
                         "split_curves": [c.tolist() for c in split_curves], "chosen": chosen,
                         "seconds": time.time() - t0})
            print(f"seed {r} fold {f}: " + ", ".join(f"{e}->{cv_curve[e - 1]:.2f}" for e in chosen.values())
                  + f", fixed 100 {cv_curve[99]:.2f} ({time.time() - t0:.0f}s, load {os.getloadavg()[0]:.1f})",
                  flush=True)

    C = np.array([run["cv_curve"] for run in runs])
    summary = {"dataset": args.dataset, "model": args.model, "learning_rate": args.learning_rate, "seeds": args.seeds,
               "folds": args.folds, "max_epochs": E, "metric": "mse", "rules": {}}
    for name in RULES:
        scores = np.array([run["cv_curve"][run["chosen"][name] - 1] for run in runs])
        per_seed = [float(scores[[i for i, run in enumerate(runs) if run["seed"] == s]].mean()) for s in range(args.seeds)]
        es = [run["chosen"][name] for run in runs]
        summary["rules"][name] = {"cv_mse": float(scores.mean()), "cv_mse_per_seed": per_seed,
                                  "sd_over_seeds": float(np.std(per_seed, ddof=1)) if args.seeds > 1 else 0.0,
                                  "epochs": es, "epochs_min_median_max": [int(np.min(es)), float(np.median(es)),
                                                                          int(np.max(es))]}
    mean_curve = C.mean(axis=0)
    summary["cv_at_fixed"] = {e: float(mean_curve[e - 1]) for e in (25, 50, 100, 150, 200, 300, 500) if e <= E}
    summary["wall_s"] = time.time() - t_all
    out = Path(__file__).resolve().parent / "results" / f"diag_early_stopping_rules_{args.dataset}_{args.model}.json"
    out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
