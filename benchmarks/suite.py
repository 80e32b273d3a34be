"""Benchmark suite: does domain knowledge help when data are few? (issue 4)

    python benchmarks/suite.py [--datasets auto_mpg heart ...] [--sizes 50 100 200 all]
                               [--seeds 3] [--models ...] [--out benchmarks/results/suite.json]
                               [--resume] [--summary-only]

For every bundled dataset (``priorml.datasets.names()``), with its bundled spec, the suite compares
constrained models with unconstrained baselines and constrained peers at small training sizes.

Protocol (every choice on training rows only; the test rows are touched once per fit):

* Data: the dataset's fixed train/test split (``priorml.datasets.load_split``: the published split
  for Auto MPG and Heart, a fixed stratified 75/25 split for the others). X = the spec's features,
  y = its target. Categorical features with no declared category list get the categories found in
  the whole feature column declared (what a data dictionary lists; no labels are read), so a small
  training sample that lacks a rare category can still be scored on test rows that have it.
* For each training size n in ``--sizes`` ("all" = every training row) and seed s: n training rows
  are drawn without replacement with seed s (stratified by class for classification); every model
  is fitted on them with ``random_state=s`` and evaluated once on all test rows.
* Metric: test MSE (regression) or error rate = 1 - accuracy at threshold 0.5 (classification);
  mean ± sd over seeds. Log loss is recorded for classifiers too.
* Models (``build_models`` in ``priorml/audit/compare.py``; fixed, untuned settings):
  constrained: ``lattice`` (priorml lattice estimator, defaults: ``model="auto"``, early stopping
  on internal splits of the training rows), ``bayes`` (priorml Bayesian estimator as ``compare``
  builds it: the spec's priors, NUTS with 2 chains x (500 tuning + 500 kept draws), gaussian or
  Bernoulli likelihood) and ``lattice_cv`` (the lattice model type chosen among
  ``linear`` and ``lattice`` (<= 6 features) or ``ensemble`` by 3-fold CV on the training rows,
  MSE or log loss); baselines: ``random_forest`` (300 trees), ``hist_gradient_boosting``,
  ``linear`` (linear / logistic regression); peers: ``hgb_monotone`` (HGB with the spec's monotone
  constraints) and ``pygam`` (pyGAM with the spec's monotone/convex/concave constraints as
  penalties, smoothing by GCV/UBRE on the training rows; see ``benchmarks/suite_pygam.py``);
  ablation (optional, ``--models pygam_free``): the same pyGAM without any constraint, to show what
  the constraints alone change (not counted as a baseline in the summary).
* Summary per dataset and size: relative improvement of the best constrained model over the best
  baseline, ``(baseline - constrained) / baseline`` on the mean test error (positive = the
  constrained model is better), and its median over datasets. Note that "best" picks, on each side,
  the model with the lowest mean test error, as the issue's target is phrased.

Results are written to ``--out`` (default ``benchmarks/results/suite.json``) after every
(dataset, size, seed), so a run cut short keeps what it finished; ``--resume`` skips the fits
already recorded there. ``--summary-only`` rebuilds the summary and prints the markdown tables; ``--merge A.json B.json``
adds the records of other result files (e.g. a dataset run in a second process) to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONWARNINGS", "ignore")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import priorml  # noqa: E402
from priorml import datasets  # noqa: E402

DEFAULT_OUT = ROOT / "results" / "suite.json"
DEFAULT_SIZES = ("50", "100", "200", "all")
BUILTIN = ("lattice", "bayes", "random_forest", "hist_gradient_boosting", "linear", "hgb_monotone")
EXTRA = ("lattice_cv", "pygam", "pygam_free")
ALL_MODELS = BUILTIN + EXTRA
KIND = {"lattice": "constrained", "bayes": "constrained", "lattice_cv": "constrained", "random_forest": "baseline",
        "hist_gradient_boosting": "baseline", "linear": "baseline", "hgb_monotone": "peer", "pygam": "peer",
        "pygam_free": "ablation"}
CV_FOLDS = 3


def log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, flush=True)


# ---------------------------------------------------------------------- data
def load(name: str, categories_from: str = "all", *, return_declared: bool = False):
    """The dataset's spec and its train/test frames on the bundled split.

    Categorical features without a declared category list get the categories of their column
    declared, read from ``categories_from``: "all" rows of the feature columns (the suite: no
    label is read, and a level met only in the test rows can be scored), or the "train" rows
    only (the published-split runs, which take nothing at all from the test rows). Either way a
    CV fold whose training part lacks a rare level (Heart's stray thal codes "1" and "2", one row
    each) can still be scored; the estimator refuses categories unseen at fit. With
    ``return_declared`` the names of the features so completed are returned last.
    """
    if categories_from not in ("all", "train"):
        raise ValueError(f"categories_from must be 'all' or 'train', not {categories_from!r}")
    spec = priorml.Spec.from_yaml(datasets.spec_path(name))
    df = datasets.load(name)
    train, test = datasets.load_split(name)
    cols = list(spec.feature_names)
    source = df if categories_from == "all" else df.loc[train]
    d = spec.to_dict()
    declared = []
    for fname, f in d["features"].items():
        if f.get("type") == "categorical" and not f.get("categories"):
            f["categories"] = sorted(pd.unique(source[fname]).tolist(), key=str)
            declared.append(fname)
    spec = priorml.Spec.from_dict(d)
    out = (spec, df.loc[train, cols], df.loc[train, spec.target], df.loc[test, cols], df.loc[test, spec.target])
    return out + (declared,) if return_declared else out


def subsample(y: pd.Series, size: str, seed: int, classification: bool) -> np.ndarray:
    """Positions of ``size`` training rows drawn with ``seed`` (all rows, in order, for "all")."""
    n = len(y)
    if size == "all" or int(size) >= n:
        return np.arange(n)
    from sklearn.model_selection import train_test_split

    idx = np.arange(n)
    picked, _ = train_test_split(idx, train_size=int(size), random_state=seed,
                                 stratify=y.to_numpy() if classification else None)
    return np.sort(picked)


# ---------------------------------------------------------------------- models
def lattice_cv(spec, seed: int):
    """Lattice whose model type is chosen by 3-fold CV on the training rows it is given."""
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    clf = spec.task == "classification"
    est = (priorml.LatticeClassifier if clf else priorml.LatticeRegressor)(spec, random_state=seed)
    big = "lattice" if len(spec.features) <= 6 else "ensemble"
    cv = (StratifiedKFold if clf else KFold)(CV_FOLDS, shuffle=True, random_state=seed)
    return GridSearchCV(est, {"model": ["linear", big]}, cv=cv, refit=True, n_jobs=1, error_score=np.nan,
                        scoring="neg_log_loss" if clf else "neg_mean_squared_error")


def without_constraints(spec):
    """The spec with every shape constraint and categorical order removed (same features and categories)."""
    d = spec.to_dict()
    for f in d["features"].values():
        for k in ("monotonic", "shape", "unimodal", "order"):
            f.pop(k, None)
    for k in ("interactions", "trust", "dominance", "priors"):
        d.pop(k, None)
    return priorml.Spec.from_dict(d)


def make_models(spec, names: list[str], seed: int) -> list[tuple[str, str, object]]:
    from priorml.audit.compare import build_models

    builtin = [m for m in names if m in BUILTIN]
    out = {name: (name, kind, est) for name, kind, est in build_models(spec, builtin, random_state=seed)} if builtin else {}
    if "lattice_cv" in names:
        out["lattice_cv"] = ("lattice_cv", "constrained", lattice_cv(spec, seed))
    if "pygam" in names or "pygam_free" in names:
        from suite_pygam import SpecGAMClassifier, SpecGAMRegressor

        cls = SpecGAMClassifier if spec.task == "classification" else SpecGAMRegressor
        out["pygam"] = ("pygam", "peer", cls(spec))
        out["pygam_free"] = ("pygam_free", "ablation", cls(without_constraints(spec)))
    return [out[m] for m in names]


def evaluate(est, Xte, yte, classification: bool) -> dict:
    if classification:
        proba = est.predict_proba(Xte)
        classes = list(est.classes_)
        p1 = np.clip(proba[:, 1], 1e-7, 1 - 1e-7)
        y01 = (yte.to_numpy() == classes[1]).astype(float)
        pred = np.where(p1 > 0.5, classes[1], classes[0])
        return {"error": float(np.mean(pred != yte.to_numpy())),
                "log_loss": float(-np.mean(y01 * np.log(p1) + (1 - y01) * np.log(1 - p1)))}
    pred = np.asarray(est.predict(Xte), float)
    return {"mse": float(np.mean((yte.to_numpy(float) - pred) ** 2))}


# ---------------------------------------------------------------------- results file
def key(r: dict) -> tuple:
    return (r["dataset"], r["size"], int(r["seed"]), r["model"])


def selected(r: dict, args) -> bool:
    """Whether record ``r`` is in the command's --datasets and --sizes."""
    return r["dataset"] in args.datasets and str(r["size"]) in map(str, args.sizes)


def training_cells(names, sizes, seed: int = 0):
    """For each dataset and training size: ``(name, spec, size, X, y)`` of the training rows the suite
    draws with ``seed``. Diagnostics that choose settings use these; no test row is read."""
    for name in names:
        spec, Xtr, ytr, _, _ = load(name)  # the test frames are not used
        for size in sizes:
            rows = subsample(ytr, size, seed, spec.task == "classification")
            yield name, spec, size, Xtr.iloc[rows], ytr.iloc[rows]


def cv_scores(make_estimator, X, y, classification: bool = False, k: int = 5, seed: int = 0) -> dict[str, list[float]]:
    """Per-fold scores (the metrics of :func:`evaluate`) of k-fold CV on ``X, y`` only, stratified for
    classifiers and shuffled with ``seed``; ``make_estimator(fold)`` gives a fresh estimator for each fold."""
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = (StratifiedKFold if classification else KFold)(k, shuffle=True, random_state=seed)
    out: dict[str, list[float]] = {}
    for i, (a, b) in enumerate(splitter.split(X, y)):
        est = make_estimator(i).fit(X.iloc[a], y.iloc[a])
        for name, value in evaluate(est, X.iloc[b], y.iloc[b], classification).items():
            out.setdefault(name, []).append(value)
    return out


def cv_mse(make_estimator, X, y, k: int = 5) -> list[float]:
    """Fold MSEs of k-fold CV (shuffled with seed 0) on ``X, y`` only; ``make_estimator(fold)`` gives a
    fresh estimator for each fold."""
    return cv_scores(make_estimator, X, y, k=k)["mse"]


def machine() -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def write(path: Path, doc: dict) -> None:
    doc["summary"] = summarise(doc["records"])
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, default=float) + "\n")
    tmp.replace(path)


def summarise(records: list[dict]) -> dict:
    """Per dataset/size/model mean ± sd over seeds; best constrained vs best baseline; medians."""
    rows = [r for r in records if r.get("value") is not None]
    if not rows:
        return {}
    df = pd.DataFrame(rows)
    table = (df.groupby(["dataset", "size", "model", "kind"], sort=False)["value"]
             .agg(mean="mean", sd=lambda v: float(np.std(v, ddof=1)) if len(v) > 1 else 0.0, n_seeds="count")
             .reset_index())
    per = []
    for (ds, size), g in table.groupby(["dataset", "size"], sort=False):
        best = {}
        for kind in ("constrained", "baseline", "peer"):
            gk = g[g["kind"] == kind]
            best[kind] = gk.loc[gk["mean"].idxmin()] if len(gk) else None
        if best["constrained"] is None or best["baseline"] is None:
            continue
        c, b = best["constrained"], best["baseline"]
        # per-seed paired difference of the two chosen models (seeds both have)
        dc = df[(df.dataset == ds) & (df["size"] == size) & (df.model == c.model)].set_index("seed")["value"]
        db = df[(df.dataset == ds) & (df["size"] == size) & (df.model == b.model)].set_index("seed")["value"]
        common = dc.index.intersection(db.index)
        diff = (db[common] - dc[common]).to_numpy()
        se = float(np.std(diff, ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else None
        def vs_baseline(model):
            m = g[g.model == model]
            return float((b["mean"] - m["mean"].iloc[0]) / b["mean"]) if len(m) and b["mean"] > 0 else None

        per.append({
            "dataset": ds, "size": size, "metric": df[(df.dataset == ds)]["metric"].iloc[0],
            "best_constrained": c.model, "constrained_mean": float(c["mean"]), "constrained_sd": float(c["sd"]),
            "best_baseline": b.model, "baseline_mean": float(b["mean"]), "baseline_sd": float(b["sd"]),
            "best_peer": None if best["peer"] is None else best["peer"].model,
            "peer_mean": None if best["peer"] is None else float(best["peer"]["mean"]),
            "improvement": float((b["mean"] - c["mean"]) / b["mean"]) if b["mean"] > 0 else None,
            "peer_improvement": (float((b["mean"] - best["peer"]["mean"]) / b["mean"])
                                 if best["peer"] is not None and b["mean"] > 0 else None),
            "lattice_improvement": vs_baseline("lattice"),
            "bayes_improvement": vs_baseline("bayes"),
            "paired_diff_mean": float(diff.mean()) if len(diff) else None,
            "paired_diff_se": se,
            "n_seeds": int(len(common)),
        })
    med = {}
    for size in dict.fromkeys(p["size"] for p in per):
        vals = [p["improvement"] for p in per if p["size"] == size and p["improvement"] is not None]
        med[size] = {"median_improvement": float(np.median(vals)) if vals else None, "n_datasets": len(vals)}
        for what in ("peer", "lattice", "bayes"):
            got = [p[f"{what}_improvement"] for p in per if p["size"] == size and p[f"{what}_improvement"] is not None]
            med[size][f"median_{what}_improvement"] = float(np.median(got)) if got else None
    return {"table": table.to_dict(orient="records"), "per_dataset": per, "median_by_size": med}


# ---------------------------------------------------------------------- markdown
def markdown(doc: dict) -> str:
    s = doc.get("summary") or {}
    if not s:
        return "(no results)"
    table = pd.DataFrame(s["table"])
    sizes = list(dict.fromkeys(table["size"]))
    out = []
    for ds in dict.fromkeys(table["dataset"]):
        t = table[table.dataset == ds]
        metric = next(r["metric"] for r in doc["records"] if r["dataset"] == ds)
        out.append(f"**{ds}** (test {'MSE' if metric == 'mse' else 'error rate'}, mean ± sd over seeds; "
                   f"n_train = rows drawn from {doc['datasets'][ds]['n_train']} training rows, "
                   f"{doc['datasets'][ds]['n_test']} test rows)\n")
        out.append("| model | kind | " + " | ".join(f"n={z}" for z in sizes) + " |")
        out.append("|---|---|" + "---|" * len(sizes))
        for model in dict.fromkeys(t["model"]):
            cells = []
            for z in sizes:
                r = t[(t.model == model) & (t["size"] == z)]
                if not len(r):
                    cells.append("")
                    continue
                r = r.iloc[0]
                fmt = "{:.2f} ± {:.2f}" if metric == "mse" else "{:.3f} ± {:.3f}"
                cells.append(fmt.format(r["mean"], r["sd"]) + ("" if r["n_seeds"] == doc["seeds"] else f" ({r['n_seeds']})"))
            out.append(f"| {model} | {t[t.model == model]['kind'].iloc[0]} | " + " | ".join(cells) + " |")
        out.append("")
    out.append("**Best constrained vs best baseline** (relative improvement of mean test error; positive = "
               "constrained better; paired per-seed difference ± its standard error)\n")
    out.append("| dataset | size | best constrained | best baseline | best peer | improvement | lattice (defaults) vs best baseline | bayes (defaults) vs best baseline | best peer vs best baseline | paired diff ± se |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    pct = (lambda v: "" if v is None else f"{100 * v:+.1f}%")
    for p in s["per_dataset"]:
        f = (lambda v: f"{v:.2f}") if p["metric"] == "mse" else (lambda v: f"{v:.3f}")
        se = "" if p["paired_diff_se"] is None else f" ± {f(p['paired_diff_se'])}"
        peer = "" if p["best_peer"] is None else f"{p['best_peer']} {f(p['peer_mean'])}"
        out.append(f"| {p['dataset']} | {p['size']} | {p['best_constrained']} {f(p['constrained_mean'])} | "
                   f"{p['best_baseline']} {f(p['baseline_mean'])} | {peer} | {100 * p['improvement']:+.1f}% | "
                   f"{pct(p['lattice_improvement'])} | {pct(p.get('bayes_improvement'))} | "
                   f"{'' if p['peer_improvement'] is None else format(100 * p['peer_improvement'], '+.1f') + '%'} | "
                   f"{f(p['paired_diff_mean'])}{se} |")
    out.append("")
    types = {}
    for r in doc["records"]:
        if r["model"] == "lattice" and r.get("model_type"):
            types.setdefault((r["dataset"], r["size"]), set()).add(r["model_type"])
    if types:
        out.append("Lattice model type chosen by `model=\"auto\"`: " + "; ".join(
            f"{ds} n={z}: {'/'.join(sorted(t))}" for (ds, z), t in types.items()) + ".\n")
    failed = [r for r in doc["records"] if r.get("failed")]
    if failed:
        out.append(f"Failed fits ({len(failed)}, left out of the means): " + "; ".join(
            f"{r['dataset']} n={r['size']} seed {r['seed']} {r['model']}: {r['failed'][:120]}" for r in failed) + "\n")
    out.append("| size | median improvement (best constrained) | median (lattice defaults) | median (bayes defaults) | median (best peer) | datasets |")
    out.append("|---|---|---|---|---|---|")
    for z, m in s["median_by_size"].items():
        out.append(f"| {z} | {pct(m['median_improvement'])} | {pct(m.get('median_lattice_improvement'))} | "
                   f"{pct(m.get('median_bayes_improvement'))} | {pct(m.get('median_peer_improvement'))} | {m['n_datasets']} |")
    return "\n".join(out)


# ---------------------------------------------------------------------- main
def run(args) -> dict:
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(path.read_text()) if args.resume and path.exists() else None
    if doc is None:
        doc = {"command": " ".join([Path(sys.executable).name] + sys.argv), "machine": machine(),
               "seeds": args.seeds, "sizes": list(args.sizes), "models": list(args.models),
               "datasets": {}, "records": [], "runs": []}
    doc["seeds"] = max(doc["seeds"], args.seeds)  # resuming with more seeds extends the run
    run_info = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg_start": list(os.getloadavg()),
                "command": " ".join([Path(sys.executable).name] + sys.argv)}
    doc["runs"].append(run_info)
    def to_drop(r: dict) -> bool:
        return r["model"] in args.drop_models and selected(r, args)

    dropped = [r for r in doc["records"] if to_drop(r)]
    if dropped:
        doc["records"] = [r for r in doc["records"] if not to_drop(r)]
        run_info["dropped_records"] = {m: sum(r["model"] == m for r in dropped) for m in args.drop_models}
        log(f"dropped {len(dropped)} earlier records of {', '.join(args.drop_models)} (refitted now)")
    done = {key(r) for r in doc["records"]}
    t_start = time.perf_counter()
    models = list(args.models)
    if "pygam" in models:
        from suite_pygam import pygam_available

        if not pygam_available():
            log("pyGAM does not import: the pygam peer is left out (pip install priorml[bench])")
            models.remove("pygam")
    data = {}
    for ds in args.datasets:
        data[ds] = spec, Xtr, ytr, Xte, yte = load(ds)
        doc["datasets"][ds] = {"n_train": len(Xtr), "n_test": len(Xte), "task": spec.task,
                               "metric": "error" if spec.task == "classification" else "mse",
                               "features": list(spec.feature_names)}
    # sizes outermost, so that a run cut short has every dataset at the small sizes
    for size in args.sizes:
        for ds in args.datasets:
            spec, Xtr, ytr, Xte, yte = data[ds]
            clf = spec.task == "classification"
            metric = doc["datasets"][ds]["metric"]
            for seed in range(args.seeds):
                todo = [m for m in models if (ds, size, seed, m) not in done]
                if not todo:
                    continue
                rows = subsample(ytr, size, seed, clf)
                Xs, ys = Xtr.iloc[rows], ytr.iloc[rows]
                for name, kind, est in make_models(spec, todo, seed):
                    rec = {"dataset": ds, "size": size, "n_train": int(len(rows)), "seed": seed, "model": name,
                           "kind": kind, "metric": metric, "value": None}
                    t0 = time.perf_counter()
                    try:
                        est.fit(Xs, ys)
                        rec["fit_s"] = round(time.perf_counter() - t0, 2)
                        scores = evaluate(est, Xte, yte, clf)
                        rec["value"] = scores[metric]
                        rec.update({k: v for k, v in scores.items() if k != metric})
                        if name == "lattice":
                            rec["model_type"] = est.model_type_
                        if name == "lattice_cv":
                            rec["model_type"] = est.best_params_["model"]
                    except Exception as exc:  # recorded, not hidden: the summary leaves the fit out
                        rec["failed"] = f"{type(exc).__name__}: {str(exc)[:300]}"
                        rec["fit_s"] = round(time.perf_counter() - t0, 2)
                    doc["records"].append(rec)
                    log(f"{ds} n={size} seed={seed} {name:<22} {metric}="
                        f"{'FAILED ' + rec['failed'][:80] if rec['value'] is None else format(rec['value'], '.4f')}"
                        f"  ({rec['fit_s']:.1f}s)")
                run_info["elapsed_s"] = round(time.perf_counter() - t_start, 1)
                run_info["loadavg_last"] = list(os.getloadavg())
                write(path, doc)
    run_info["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    run_info["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    run_info["loadavg_end"] = list(os.getloadavg())
    write(path, doc)
    return doc


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", nargs="+", default=datasets.names(), choices=datasets.names())
    ap.add_argument("--sizes", nargs="+", default=list(DEFAULT_SIZES),
                    help="training sizes: integers and/or 'all' (default: 50 100 200 all)")
    ap.add_argument("--seeds", type=int, default=3, help="seeds 0..k-1 (default 3)")
    ap.add_argument("--drop-models", nargs="+", default=[], metavar="MODEL",
                    help="with --resume: forget the records of these models first (code changed), within --datasets and --sizes, so they are refitted")
    ap.add_argument("--models", nargs="+", default=[*BUILTIN, "pygam"], choices=ALL_MODELS,
                    help="models to fit (default: the built-ins and pygam; lattice_cv and pygam_free are opt-in)")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--resume", action="store_true", help="keep the records in --out and skip fits already there")
    ap.add_argument("--summary-only", action="store_true", help="print the markdown tables of --out and exit")
    ap.add_argument("--merge", nargs="+", metavar="FILE", help="add the records of these result files to --out, then exit")
    ap.add_argument("--replace", action="store_true",
                    help="with --merge: a merged record replaces the record of --out with the same key")
    args = ap.parse_args(argv)
    for z in args.sizes:
        if z != "all" and not (z.isdigit() and int(z) > 0):
            ap.error(f"--sizes: expected positive integers or 'all', got {z!r}")
    if args.merge:
        path = Path(args.out)
        doc = json.loads(path.read_text())
        have = {key(r) for r in doc["records"]}
        for other in args.merge:
            extra = json.loads(Path(other).read_text())
            extra["records"] = [r for r in extra["records"] if selected(r, args)]
            if args.replace:  # the merged file's records win over those with the same key
                theirs = {key(r) for r in extra["records"]}
                doc["records"] = [r for r in doc["records"] if key(r) not in theirs]
                have -= theirs
            new = [r for r in extra["records"] if key(r) not in have]
            doc["records"].extend(new)
            have.update(key(r) for r in new)
            doc["datasets"].update(extra["datasets"])
            doc["runs"].extend({**run, "merged_from": str(other)} for run in extra["runs"]
                               if run not in doc["runs"])  # a file started as a copy repeats the earlier runs
            log(f"merged {len(new)} records from {other}")
        write(path, doc)
        print(markdown(doc))
        return
    if args.summary_only:
        doc = json.loads(Path(args.out).read_text())
        doc["summary"] = summarise(doc["records"])
        print(markdown(doc))
        return
    doc = run(args)
    print(markdown(doc))


if __name__ == "__main__":
    main()
