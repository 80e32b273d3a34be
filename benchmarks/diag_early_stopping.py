"""Diagnostic, training rows only: how good is the epoch count chosen by early stopping?

    python benchmarks/diag_early_stopping.py [--dataset auto_mpg] [--model lattice] [--seeds 3]

On the published split's *training rows* only (the test rows are never loaded into a model), with
one fixed 5-fold split (KFold, seed 0), for each estimator seed r and each fold:

* the estimator's own early stopping (internal 15 % split of the fold's training part) gives the
  epoch count E_es it would use (``refit=False`` fit; same internal split as the real fit);
* the refit of the real estimator is replayed for ``--max-epochs`` epochs on the fold's whole
  training part (same seed, batch size and schedule as ``LatticeProgram.fit``), and the held-out
  fold is scored after every epoch.

From these: the held-out CV error at E_es (what the estimator delivers), at fixed epoch counts, at
the best fixed epoch count in hindsight of the CV curve, and of the average of the seeds' models
(each at its own E_es). Writes ``benchmarks/results/diag_early_stopping_<dataset>_<model>.json``.
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
import priorml  # noqa: E402
from run_published_splits import load  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="auto_mpg", choices=["auto_mpg", "heart"])
    ap.add_argument("--model", default="lattice")
    ap.add_argument("--learning-rate", type=float, default=None, help="default: the estimator's")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--max-epochs", type=int, default=300)
    args = ap.parse_args(argv)

    from sklearn.model_selection import KFold, StratifiedKFold

    from priorml.backends.lattice.compiler import _tf
    from priorml.backends.lattice.program import TrainConfig, _auto_batch

    tf, tf_keras, _ = _tf()
    spec, Xtr, ytr, *_ = load(args.dataset)  # test rows unused
    clf = spec.task == "classification"
    Est = priorml.LatticeClassifier if clf else priorml.LatticeRegressor
    kw = {"model": args.model}
    if args.learning_rate is not None:
        kw["learning_rate"] = args.learning_rate
    splitter = StratifiedKFold(args.folds, shuffle=True, random_state=0) if clf else KFold(args.folds, shuffle=True,
                                                                                           random_state=0)
    fold_list = list(splitter.split(Xtr, ytr))
    E = args.max_epochs
    runs = []
    t_all = time.time()
    for r in range(args.seeds):
        for f, (tr, va) in enumerate(fold_list):
            t0 = time.time()
            Xa, ya, Xv, yv = Xtr.iloc[tr], ytr.iloc[tr], Xtr.iloc[va], ytr.iloc[va]
            es = Est(spec, random_state=r, refit=False, **kw).fit(Xa, ya)
            e_es = int(es.n_epochs_)
            # Replay the refit: same seed, schema, plan, batch and schedule as LatticeProgram.fit.
            base = Est(spec, random_state=r, epochs=1, validation_fraction=0, **kw).fit(Xa, ya)
            prog, schema = base.program_, base.schema_
            Xenc = schema.transform(base.spec_, Xa)
            Xvenc = prog._inputs(schema.transform(base.spec_, Xv))
            y_model = ((ya.to_numpy() == base.classes_[1]).astype(np.float32) if clf
                       else schema.scale_y(ya.to_numpy()).astype(np.float32))
            cfg = TrainConfig(epochs=E, learning_rate=base.learning_rate, random_state=r)
            model = prog._fresh(cfg)
            preds = []

            class Track(tf_keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    preds.append(np.asarray(self.model(Xvenc, training=False)).reshape(-1))

            n = len(Xenc)
            model.fit(prog._inputs(Xenc), y_model, batch_size=min(cfg.batch_size or _auto_batch(n), n), epochs=E,
                      verbose=0, shuffle=True, callbacks=[Track()])
            P = np.stack(preds)  # (E, n_val) raw outputs
            if clf:
                yv01 = (yv.to_numpy() == base.classes_[1]).astype(float)
                prob = 1 / (1 + np.exp(-P))
                curve = np.mean((prob > 0.5) == (yv01 == 1), axis=1)
                p = np.clip(prob, 1e-7, 1 - 1e-7)
                curve_ll = -np.mean(yv01 * np.log(p) + (1 - yv01) * np.log(1 - p), axis=1)
            else:
                pred = schema.unscale_y(P)
                if spec.output is not None and spec.output.min is not None:
                    pred = np.maximum(pred, spec.output.min)
                curve = np.mean((pred - yv.to_numpy()) ** 2, axis=1)
                curve_ll = None
            # sanity: the real estimator (refit) at E_es, on the same fold
            check = None
            if r == 0 and f == 0:
                real = Est(spec, random_state=r, **kw).fit(Xa, ya)
                check = (float(np.mean(real.predict(Xv) == yv)) if clf
                         else float(np.mean((real.predict(Xv) - yv.to_numpy()) ** 2)))
            runs.append({"seed": r, "fold": f, "e_es": e_es, "curve": curve.tolist(),
                         "curve_logloss": None if curve_ll is None else curve_ll.tolist(),
                         "val_raw_at_es": P[min(e_es, E) - 1].tolist(), "va": va.tolist(),
                         "real_estimator_score": check, "seconds": time.time() - t0,
                         "y_mean": float(schema.y_mean), "y_scale": float(schema.y_scale),
                         "yv01": yv01.tolist() if clf else None})
            print(f"seed {r} fold {f}: E_es {e_es}, score at E_es {curve[min(e_es, E) - 1]:.4f}, best fixed "
                  f"{curve.min() if not clf else curve.max():.4f} at {int(np.argmin(curve) if not clf else np.argmax(curve)) + 1}"
                  + (f", real estimator {check:.4f}" if check is not None else "") + f" ({time.time() - t0:.0f}s)",
                  flush=True)

    # summaries
    C = np.array([run["curve"] for run in runs])  # (seeds*folds, E)
    at_es = np.array([run["curve"][min(run["e_es"], E) - 1] for run in runs])
    mean_curve = C.mean(axis=0)
    best_fixed = int(np.argmin(mean_curve) if not clf else np.argmax(mean_curve)) + 1
    summary = {"dataset": args.dataset, "model": args.model, "kw": kw, "seeds": args.seeds, "folds": args.folds,
               "metric": "accuracy" if clf else "mse",
               "cv_at_es_mean": float(at_es.mean()),
               "cv_at_es_per_seed": [float(at_es[[i for i, run in enumerate(runs) if run["seed"] == r]].mean())
                                     for r in range(args.seeds)],
               "e_es": [run["e_es"] for run in runs],
               "best_fixed_epochs": best_fixed, "cv_at_best_fixed": float(mean_curve[best_fixed - 1]),
               "cv_at_fixed": {e: float(mean_curve[e - 1]) for e in (10, 25, 50, 100, 150, 200, 300, 500) if e <= E}}
    if clf:
        L = np.array([run["curve_logloss"] for run in runs]).mean(axis=0)
        summary["logloss_at_fixed"] = {e: float(L[e - 1]) for e in (10, 25, 50, 100, 150, 200, 300, 500) if e <= E}
    # seed bagging: average the seeds' models (each at its own E_es), per fold
    bag = []
    for f in range(args.folds):
        rs = [run for run in runs if run["fold"] == f]
        raw = np.mean([run["val_raw_at_es"] for run in rs], axis=0)
        if clf:
            bag.append(float(np.mean((raw > 0) == (np.asarray(rs[0]["yv01"]) == 1))))
        else:
            pred = raw * rs[0]["y_scale"] + rs[0]["y_mean"]
            if spec.output is not None and spec.output.min is not None:
                pred = np.maximum(pred, spec.output.min)
            bag.append(float(np.mean((pred - ytr.iloc[rs[0]["va"]].to_numpy()) ** 2)))
    summary["cv_seed_bag_mean"] = float(np.mean(bag))
    summary["wall_s"] = time.time() - t_all
    out = Path(__file__).resolve().parent / "results" / f"diag_early_stopping_{args.dataset}_{args.model}.json"
    out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
