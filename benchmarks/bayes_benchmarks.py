"""Benchmarks of the Bayesian backend (issue: Bayesian backend).

Three parts, each selectable with --part:

accuracy  Auto MPG, published split: for each seed, the likelihood
          (gaussian or student_t) is chosen by PSIS-LOO on the *training rows*
          (no test rows involved); the chosen fit is evaluated once on the test
          rows: MSE and 90% predictive-interval coverage. Mean +- sd over seeds.
speed     The same monotone additive model (n = 200, 5 monotone features with
          10 keypoints) sampled by priorml's default (nutpie) and written by
          hand in PyMC, sampled with PyMC's default NUTS: min-ESS per second,
          4 chains x 1000 tune + 1000 draws, wall time including compilation.
scale     Fit time of priorml's default at n = 200, 2,000 and 20,000.

Usage:  python benchmarks/bayes_benchmarks.py --part accuracy speed scale [--seeds 5]
Writes benchmarks/results/bayes_<part>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np

OUT = Path(__file__).parent / "results"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, no GPU"


def accuracy(seeds: int, draws: int, tune: int, chains: int) -> dict:
    import arviz as az

    import priorml
    from priorml import datasets

    spec = priorml.Spec.from_yaml(datasets.spec_path("auto_mpg"))
    df = datasets.load_auto_mpg()
    tr, te = datasets.load_split("auto_mpg")
    X, y = df[list(spec.feature_names)], df[spec.target].to_numpy()
    Xtr, ytr, Xte, yte = X.loc[tr], df.loc[tr, spec.target].to_numpy(), X.loc[te], df.loc[te, spec.target].to_numpy()
    rows = []
    for seed in range(seeds):
        fits = {}
        for lik in ("gaussian", "student_t"):
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = priorml.BayesianRegressor(spec, likelihood=lik, draws=draws, tune=tune, chains=chains,
                                              random_state=seed, progressbar=False).fit(Xtr, ytr)
            loo = az.loo(m.idata_)
            fits[lik] = (float(loo.elpd_loo), m, time.perf_counter() - t0)
        chosen = max(fits, key=lambda k: fits[k][0])  # training rows only
        _, m, secs = fits[chosen]
        pred = m.predict(Xte)
        lo, hi = m.predict_interval(Xte, prob=0.9, random_state=seed).T
        cert = priorml.certify(m, Xtr)
        rows.append({"seed": seed, "chosen_likelihood": chosen, "elpd_loo": {k: v[0] for k, v in fits.items()},
                     "test_mse": float(np.mean((pred - yte) ** 2)),
                     "coverage90": float(np.mean((yte >= lo) & (yte <= hi))),
                     "interval_width": float(np.mean(hi - lo)), "fit_seconds": secs,
                     "diagnostics": {k: m.diagnostics_.get(k) for k in ("r_hat_max", "ess_bulk_min", "divergences", "sampler")},
                     "certified": cert.passed, "min_draw_share": min(r.draws_share for r in cert.rows)})
        print(rows[-1], flush=True)
    mse = np.array([r["test_mse"] for r in rows])
    cov = np.array([r["coverage90"] for r in rows])
    return {"rows": rows, "test_mse_mean": float(mse.mean()), "test_mse_sd": float(mse.std(ddof=1)) if len(mse) > 1 else 0.0,
            "coverage_mean": float(cov.mean()), "coverage_sd": float(cov.std(ddof=1)) if len(cov) > 1 else 0.0,
            "settings": {"draws": draws, "tune": tune, "chains": chains}}


def _simulate(n: int, d: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n, d))
    y = sum((j + 1) * np.sqrt(X[:, j] + 0.05) * (1 if j % 2 == 0 else -1) for j in range(d)) + rng.normal(0, 0.5, n)
    return X, y


def _min_ess(idata, names) -> float:
    import arviz as az

    ess = az.ess(idata.posterior, var_names=names, method="bulk")
    return float(min(float(np.nanmin(ess[n].values)) for n in names))


def _hand_written(X: np.ndarray, y: np.ndarray, knots: list[np.ndarray], directions: list[int]):
    """The monotone additive model written directly in PyMC (the usual way: positive
    increments between keypoints, a Gaussian likelihood), same priors as priorml's defaults."""
    import pymc as pm
    import pytensor.tensor as pt

    from priorml.backends.bayes.design import hat_weights

    ys = (y - y.mean()) / y.std()
    with pm.Model() as model:
        b0 = pm.Normal("b0", 0, 1)
        eta = b0
        for j, (kp, m) in enumerate(zip(knots, directions)):
            W = hat_weights(X[:, j], kp)
            w = np.diff((kp - kp[0]) / (kp[-1] - kp[0]))
            R = pm.LogNormal(f"R{j}", np.log(0.5), 1.0)
            tau = pm.HalfNormal(f"tau{j}", 1.0)
            z = pm.Normal(f"z{j}", 0, 1, shape=len(w) - 1)
            q = pt.exp(pt.concatenate([pt.zeros(1), pt.cumsum(tau * z)]))
            s = m * R * q / pt.sum(q * w)
            v = pt.concatenate([pt.zeros(1), pt.cumsum(s * w)])
            v = v - pt.dot(W.mean(axis=0), v)
            eta = eta + pt.dot(W, v)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", eta, sigma, observed=ys)
    return model


def speed(draws: int, tune: int, chains: int) -> dict:
    import pymc as pm

    import priorml

    X, y = _simulate(200)
    d = X.shape[1]
    dirs = [1 if j % 2 == 0 else -1 for j in range(d)]
    spec = priorml.Spec.from_dict({"features": {f"x{j}": {"monotonic": dirs[j]} for j in range(d)}})
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        m = priorml.BayesianRegressor(spec, draws=draws, tune=tune, chains=chains, random_state=1, progressbar=False).fit(X, y)
        secs = time.perf_counter() - t0
    free = [n for n in m.idata_.posterior.data_vars if not n.startswith("f_")]
    ess = _min_ess(m.idata_, free)
    out["priorml_default"] = {"sampler": m.diagnostics_["sampler"], "seconds": secs, "min_ess_bulk": ess,
                              "min_ess_per_s": ess / secs, "n_free_params": int(sum(np.prod(m.idata_.posterior[n].shape[2:]) or 1 for n in free))}
    knots = [np.asarray(fs.keypoints) for fs in m.schema_.features]
    hand = _hand_written(X, y, knots, dirs)
    t0 = time.perf_counter()
    with hand, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = pm.sample(draws=draws, tune=tune, chains=chains, random_seed=1, progressbar=False,
                          cores=min(chains, os.cpu_count() or 1))
    secs = time.perf_counter() - t0
    ess = _min_ess(idata, list(idata.posterior.data_vars))
    out["pymc_default_hand_written"] = {"sampler": "pymc", "seconds": secs, "min_ess_bulk": ess, "min_ess_per_s": ess / secs}
    out["speedup_min_ess_per_s"] = out["priorml_default"]["min_ess_per_s"] / out["pymc_default_hand_written"]["min_ess_per_s"]
    out["settings"] = {"n": 200, "features": d, "keypoints": 10, "draws": draws, "tune": tune, "chains": chains}
    print(out, flush=True)
    return out


def scale(sizes: list[int], draws: int, tune: int, chains: int) -> dict:
    import priorml

    out = {"rows": [], "settings": {"draws": draws, "tune": tune, "chains": chains, "features": 5}}
    spec = priorml.Spec.from_dict({"features": {f"x{j}": {"monotonic": 1 if j % 2 == 0 else -1} for j in range(5)}})
    for n in sizes:
        X, y = _simulate(n, seed=n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            m = priorml.BayesianRegressor(spec, draws=draws, tune=tune, chains=chains, random_state=0, progressbar=False).fit(X, y)
            secs = time.perf_counter() - t0
        out["rows"].append({"n": n, "seconds": secs, "sampler": m.diagnostics_["sampler"],
                            "r_hat_max": m.diagnostics_["r_hat_max"], "ess_bulk_min": m.diagnostics_["ess_bulk_min"]})
        print(out["rows"][-1], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", nargs="+", default=["accuracy", "speed", "scale"], choices=["accuracy", "speed", "scale"])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    for part in args.part:
        t0 = time.perf_counter()
        if part == "accuracy":
            res = accuracy(args.seeds, args.draws, args.tune, args.chains)
        elif part == "speed":
            res = speed(args.draws, args.tune, args.chains)
        else:
            res = scale(args.sizes, args.draws, args.tune, args.chains)
        res["machine"] = _machine()
        res["wall_seconds"] = time.perf_counter() - t0
        (OUT / f"bayes_{part}.json").write_text(json.dumps(res, indent=2, default=float))
        print(f"wrote {OUT / f'bayes_{part}.json'}", flush=True)


if __name__ == "__main__":
    main()
