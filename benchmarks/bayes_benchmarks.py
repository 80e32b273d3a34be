"""Benchmarks of the Bayesian backend (issue: Bayesian backend).

Three parts, each selectable with --part:

accuracy  Auto MPG, published split: for each seed, the likelihood
          (gaussian, student_t or lognormal) and the smoothness (0.3, 1, 3) are
          chosen by PSIS-LOO on the *training rows* (no test rows involved):
          by default the LOO squared error of the posterior mean (the quantity
          the benchmark scores; --criterion elpd: the expected log predictive
          density, densities of mpg in its own units for every likelihood).
          The chosen fit is evaluated once on the test rows: MSE and 90%
          predictive-interval coverage. Mean +- sd over seeds. The test MSE of
          the candidates that were not chosen is recorded too, for information
          only: it plays no part in the choice.
speed     The same monotone additive model (n = 200, 5 monotone features with
          10 keypoints) sampled by priorml's default (nutpie) and written by
          hand in PyMC, sampled with PyMC's default NUTS: min-ESS per second
          (bulk ESS, min over every free parameter), 4 chains x 1000 tune +
          1000 draws, wall time of the whole call including compilation; CPU
          seconds too. One row per seed (--seeds), mean +- sd, load averages.
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
    return f"{cpu}, {os.cpu_count()} cores shared with other jobs, no GPU"


LIKELIHOODS = ("gaussian", "student_t", "lognormal")


SMOOTHNESS = (0.3, 1.0, 3.0)


def loo_mean_predictions(model, X) -> np.ndarray:
    """PSIS-LOO estimate of E[y_i | y_-i] for every training row: the posterior draws of the
    mean function at row i, importance-weighted by 1 / p(y_i | draw) (Pareto-smoothed), so each
    row is predicted as if it had been left out, without refitting."""
    import arviz as az

    ll = model.idata_.log_likelihood["y"].stack(__sample__=("chain", "draw")).transpose("obs", "__sample__")
    log_w, _ = az.psislw(-ll)  # normalised log weights per row
    mu = model.predict_draws(X)  # (draws, n), target units, flattened in (chain, draw) order
    w = np.exp(np.asarray(log_w)).T  # (draws, n)
    return (w * mu).sum(axis=0)


def accuracy(seeds: int, draws: int, tune: int, chains: int, on_seed=None, likelihoods=LIKELIHOODS,
             smoothness=SMOOTHNESS, criterion: str = "loo_mse", first_seed: int = 0) -> dict:
    """Run the Auto MPG benchmark; ``on_seed(partial result)`` after each seed (to save partial runs).

    Candidates: every likelihood x smoothness. Choice on the training rows only, by
    ``criterion``: ``loo_mse`` (PSIS-LOO squared error of the posterior mean, the quantity the
    benchmark scores) or ``elpd`` (PSIS-LOO expected log predictive density)."""
    import arviz as az

    import priorml
    from priorml import datasets

    spec = priorml.Spec.from_yaml(datasets.spec_path("auto_mpg"))
    df = datasets.load_auto_mpg()
    tr, te = datasets.load_split("auto_mpg")
    X = df[list(spec.feature_names)]
    Xtr, ytr, Xte, yte = X.loc[tr], df.loc[tr, spec.target].to_numpy(), X.loc[te], df.loc[te, spec.target].to_numpy()
    rows = []
    for seed in range(first_seed, first_seed + seeds):
        fits = {}
        for lik in likelihoods:
            for smooth in smoothness:
                name = f"{lik}, smoothness {smooth:g}"
                t0 = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m = priorml.BayesianRegressor(spec, likelihood=lik, smoothness=smooth, draws=draws, tune=tune,
                                                  chains=chains, random_state=seed, progressbar=False).fit(Xtr, ytr)
                    loo = az.loo(m.idata_)
                    loo_mse = float(np.mean((loo_mean_predictions(m, Xtr) - ytr) ** 2))
                fits[name] = {"model": m, "seconds": time.perf_counter() - t0, "elpd_loo": float(loo.elpd_loo),
                              "elpd_loo_se": float(loo.se), "loo_mse": loo_mse,
                              "pareto_k_above_0.7": int(np.sum(np.asarray(loo.pareto_k) > 0.7))}
                print(seed, name, {k: v for k, v in fits[name].items() if k != "model"}, flush=True)
        if criterion == "loo_mse":
            chosen = min(fits, key=lambda k: fits[k]["loo_mse"])  # training rows only
        else:
            chosen = max(fits, key=lambda k: fits[k]["elpd_loo"])
        m = fits[chosen]["model"]
        pred = m.predict(Xte)
        lo, hi = m.predict_interval(Xte, prob=0.9, random_state=seed).T
        cert = priorml.certify(m, Xtr)
        rows.append({"seed": seed, "chosen": chosen, "criterion": criterion,
                     "candidates": {k: {kk: vv for kk, vv in v.items() if kk != "model"} for k, v in fits.items()},
                     "test_mse_every_candidate_not_used_for_choice":
                         {k: float(np.mean((v["model"].predict(Xte) - yte) ** 2)) for k, v in fits.items()},
                     "test_mse": float(np.mean((pred - yte) ** 2)),
                     "coverage90": float(np.mean((yte >= lo) & (yte <= hi))),
                     "interval_width": float(np.mean(hi - lo)), "fit_seconds": fits[chosen]["seconds"],
                     "diagnostics": {k: m.diagnostics_.get(k) for k in ("r_hat_max", "ess_bulk_min", "divergences", "sampler")},
                     "certified": cert.passed, "min_draw_share": min(r.draws_share for r in cert.rows)})
        print({k: v for k, v in rows[-1].items() if k != "candidates"}, flush=True)
        if on_seed is not None:
            on_seed(_accuracy_summary(rows, draws, tune, chains))
    return _accuracy_summary(rows, draws, tune, chains)


def _accuracy_summary(rows: list[dict], draws: int, tune: int, chains: int) -> dict:
    mse = np.array([r["test_mse"] for r in rows])
    cov = np.array([r["coverage90"] for r in rows])
    return {"rows": rows, "test_mse_mean": float(mse.mean()), "test_mse_sd": float(mse.std(ddof=1)) if len(mse) > 1 else 0.0,
            "coverage_mean": float(cov.mean()), "coverage_sd": float(cov.std(ddof=1)) if len(cov) > 1 else 0.0,
            "chosen": {k: sum(r["chosen"] == k for r in rows) for k in sorted({r["chosen"] for r in rows})},
            "settings": {"draws": draws, "tune": tune, "chains": chains,
                         "candidates": sorted({k for r in rows for k in r["candidates"]})}}


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
    from priorml.backends.bayes.model import default_effect_scale

    ys = (y - y.mean()) / y.std()
    with pm.Model() as model:
        b0 = pm.Normal("b0", 0, 1)
        eta = b0
        for j, (kp, m) in enumerate(zip(knots, directions)):
            W = hat_weights(X[:, j], kp)
            w = np.diff((kp - kp[0]) / (kp[-1] - kp[0]))
            R = pm.LogNormal(f"R{j}", np.log(default_effect_scale("gaussian")), 1.0)
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


def _cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (PyMC's chain processes)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def _summary(values: list[float]) -> dict:
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "sd": float(a.std(ddof=1)) if len(a) > 1 else 0.0, "n": int(len(a))}


def speed(draws: int, tune: int, chains: int, seeds: int, on_seed=None) -> dict:
    """min-ESS per second, priorml's default against the same model written by hand in PyMC.

    min-ESS: the smallest bulk ESS over every scalar of every free parameter (deterministics left out).
    Seconds: wall time of the whole call, compilation included: ``BayesianRegressor.fit`` (model build,
    nutpie compile + sampling, pointwise log-likelihood, diagnostics) against ``pm.sample`` with PyMC's
    defaults (its own NUTS, C backend, compile included; processes: as many as priorml uses, i.e.
    min(chains, cores)). The hand-written model is built outside the timer. The data set is fixed;
    the seeds vary the sampler. The two are run alternately, priorml first, on the same machine. CPU
    seconds are recorded too: on shared cores they depend less than wall time on what else runs.
    """
    import pymc as pm

    import priorml

    X, y = _simulate(200)
    d = X.shape[1]
    dirs = [1 if j % 2 == 0 else -1 for j in range(d)]
    spec = priorml.Spec.from_dict({"features": {f"x{j}": {"monotonic": dirs[j]} for j in range(d)}})
    runs = []
    for seed in range(seeds):
        row: dict = {"seed": seed, "load_before": _load()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0, c0 = time.perf_counter(), _cpu_seconds()
            m = priorml.BayesianRegressor(spec, draws=draws, tune=tune, chains=chains, random_state=seed,
                                          progressbar=False).fit(X, y)
            secs, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        ess = float(m.diagnostics_["ess_bulk_min"])  # bulk ESS, min over the free parameters
        row["priorml_default"] = {"sampler": m.diagnostics_["sampler"], "seconds": secs, "min_ess_bulk": ess,
                                  "min_ess_per_s": ess / secs, "cpu_seconds": cpu, "min_ess_per_cpu_s": ess / cpu, "r_hat_max": m.diagnostics_["r_hat_max"],
                                  "divergences": m.diagnostics_["divergences"]}
        knots = [np.asarray(fs.keypoints) for fs in m.schema_.features]
        hand = _hand_written(X, y, knots, dirs)
        free = [v.name for v in hand.free_RVs]
        row["keypoints"] = len(knots[0])
        row["n_free_params"] = int(sum(int(np.prod(v.shape.eval())) for v in hand.free_RVs))
        row["load_between"] = _load()
        with hand, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0, c0 = time.perf_counter(), _cpu_seconds()
            # PyMC's own NUTS and defaults, except the process count: its default guesses half of
            # os.cpu_count() (hyper-threads), i.e. 1 process here; both get the same 2 cores
            idata = pm.sample(draws=draws, tune=tune, chains=chains, random_seed=seed, progressbar=False,
                              cores=min(chains, os.cpu_count() or 1))
            secs, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        ess = _min_ess(idata, free)
        row["pymc_default_hand_written"] = {"sampler": "pymc", "seconds": secs, "min_ess_bulk": ess,
                                            "min_ess_per_s": ess / secs, "cpu_seconds": cpu, "min_ess_per_cpu_s": ess / cpu,
                                            "divergences": int(np.asarray(idata.sample_stats["diverging"]).sum())}
        row["ratio_min_ess_per_s"] = row["priorml_default"]["min_ess_per_s"] / row["pymc_default_hand_written"]["min_ess_per_s"]
        row["ratio_min_ess_per_cpu_s"] = (row["priorml_default"]["min_ess_per_cpu_s"]
                                          / row["pymc_default_hand_written"]["min_ess_per_cpu_s"])
        row["load_after"] = _load()
        runs.append(row)
        print(row, flush=True)
        if on_seed is not None:
            on_seed(_speed_summary(runs, draws, tune, chains, seeds))
    return _speed_summary(runs, draws, tune, chains, seeds)


def _speed_summary(runs: list[dict], draws: int, tune: int, chains: int, seeds: int) -> dict:
    out = {"rows": runs,
           "ratio_min_ess_per_s": _summary([r["ratio_min_ess_per_s"] for r in runs]),
           "ratio_min_ess_per_cpu_s": _summary([r["ratio_min_ess_per_cpu_s"] for r in runs])}
    for k in ("priorml_default", "pymc_default_hand_written"):
        out[k] = {q: _summary([r[k][q] for r in runs])
                  for q in ("seconds", "min_ess_bulk", "min_ess_per_s", "cpu_seconds", "min_ess_per_cpu_s")}
    out["settings"] = {"n": 200, "features": 5, "keypoints": runs[0].get("keypoints"),
                       "n_free_params": runs[0].get("n_free_params"), "draws": draws, "tune": tune,
                       "chains": chains, "seeds": seeds,
                       "min_ess": "bulk ESS, min over every scalar of every free parameter",
                       "seconds": "wall time of the whole call, compilation included",
                       "cpu_seconds": "CPU time of the whole call (all threads and chain processes): less sensitive "
                                      "than wall time to other jobs on shared cores"}
    return out


def scale(sizes: list[int], draws: int, tune: int, chains: int) -> dict:
    import priorml

    out = {"rows": [], "settings": {"draws": draws, "tune": tune, "chains": chains, "features": 5}}
    spec = priorml.Spec.from_dict({"features": {f"x{j}": {"monotonic": 1 if j % 2 == 0 else -1} for j in range(5)}})
    for n in sizes:
        X, y = _simulate(n, seed=n)
        load = _load()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            m = priorml.BayesianRegressor(spec, draws=draws, tune=tune, chains=chains, random_state=0, progressbar=False).fit(X, y)
            secs = time.perf_counter() - t0
        out["rows"].append({"n": n, "seconds": secs, "load_before": load, "load_after": _load(), "sampler": m.diagnostics_["sampler"],
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
    ap.add_argument("--likelihoods", nargs="+", default=list(LIKELIHOODS), choices=list(LIKELIHOODS),
                    help="accuracy: candidate likelihoods")
    ap.add_argument("--smoothness", type=float, nargs="+", default=list(SMOOTHNESS),
                    help="accuracy: candidate smoothness values")
    ap.add_argument("--criterion", default="loo_mse", choices=["loo_mse", "elpd"],
                    help="accuracy: how the candidate is chosen on the training rows")
    ap.add_argument("--first-seed", type=int, default=0,
                    help="accuracy: seeds first_seed .. first_seed + seeds - 1 (to split a run over processes)")
    ap.add_argument("--out-suffix", default="", help="appended to the results file name (e.g. _seed2)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    for part in args.part:
        t0 = time.perf_counter()
        if part == "accuracy":
            def save(partial, t0=t0):
                partial.update(machine=_machine(), wall_seconds=time.perf_counter() - t0, partial=True)
                (OUT / f"bayes_accuracy{args.out_suffix}.json").write_text(json.dumps(partial, indent=2, default=float))

            res = accuracy(args.seeds, args.draws, args.tune, args.chains, on_seed=save,
                           likelihoods=tuple(args.likelihoods), smoothness=tuple(args.smoothness),
                           criterion=args.criterion, first_seed=args.first_seed)
        elif part == "speed":
            def save_speed(partial, t0=t0):
                partial.update(machine=_machine(), wall_seconds=time.perf_counter() - t0, partial=True)
                (OUT / "bayes_speed.json").write_text(json.dumps(partial, indent=2, default=float))

            res = speed(args.draws, args.tune, args.chains, args.seeds, on_seed=save_speed)
        else:
            res = scale(args.sizes, args.draws, args.tune, args.chains)
        res["machine"] = _machine()
        res["partial"] = False
        res["wall_seconds"] = time.perf_counter() - t0
        name = f"bayes_{part}{args.out_suffix if part == 'accuracy' else ''}.json"
        (OUT / name).write_text(json.dumps(res, indent=2, default=float))
        print(f"wrote {OUT / name}", flush=True)


if __name__ == "__main__":
    main()
