"""Inference (NUTS through nutpie, PyMC or numpyro; ADVI; MAP) and diagnostics."""

from __future__ import annotations

import importlib.util
import os
import warnings
from typing import Any

import numpy as np

from ...errors import SamplerWarning

SAMPLERS = ("auto", "pymc", "nutpie", "numpyro")
METHODS = ("nuts", "advi", "map")

#: runs of at most this many NUTS iterations (all chains) use nutpie's JAX backend (fast to compile)
NUTPIE_JAX_MAX_ITERATIONS = 2000

#: thresholds of the post-sampling checks
RHAT_MAX = 1.01
ESS_MIN_PER_CHAIN = 100
BFMI_MIN = 0.3


def resolve_sampler(sampler: str) -> str:
    if sampler == "auto":
        return "nutpie" if importlib.util.find_spec("nutpie") is not None else "pymc"
    if sampler in ("nutpie", "numpyro") and importlib.util.find_spec(sampler) is None:
        from ...errors import BackendUnavailableError

        raise BackendUnavailableError(f"sampler={sampler!r} needs the package {sampler!r}; install it with "
                                      f"pip install {sampler}, or use sampler='pymc'.")
    return sampler


def _jax_device(device: str) -> None:
    """Pick the JAX platform before JAX is first imported (numpyro)."""
    if device == "cpu":
        os.environ["JAX_PLATFORMS"] = "cpu"
    elif device == "gpu":
        os.environ["JAX_PLATFORMS"] = "cuda"


def sample(model, *, method: str, sampler: str, draws: int, tune: int, chains: int, target_accept: float,
           random_state: int, progressbar: bool, device: str = "auto"):
    """Run inference; returns (InferenceData, the sampler actually used)."""
    import pymc as pm

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*[Nn]umba.*")
        if method == "map":
            import pytensor

            from pytensor.compile.mode import Mode

            # A few hundred optimizer steps: graph rewrites would cost more than they save. The C linker stays:
            # FAST_COMPILE's pure-Python one cannot add more than 32 terms (numpy's ufunc limit), which the
            # log-density of a model with a dozen features does ("'Scratchpad' object has no attribute 'ufunc'").
            with pytensor.config.change_flags(mode=Mode(linker="cvm", optimizer="fast_compile")), model:
                point = pm.find_MAP(progressbar=progressbar, seed=random_state)
            return _point_to_idata(model, point), "map"
        if method == "advi":
            with model:
                approx = pm.fit(n=max(5000, 20 * tune), method="advi", random_seed=random_state, progressbar=progressbar)
                idata = approx.sample(draws=draws * chains, random_seed=random_state)
            idata = _reshape_chains(idata, chains)
            return idata, "advi"
        used = resolve_sampler(sampler)
        if used == "nutpie":
            import nutpie

            # numba compiles slowly (tens of seconds) but evaluates gradients fastest; JAX compiles in
            # seconds. Short runs (tests, quick looks) are dominated by compilation.
            backend = "numba" if (draws + tune) * chains > NUTPIE_JAX_MAX_ITERATIONS else "jax"
            compiled = nutpie.compile_pymc_model(model, backend=backend, gradient_backend="jax" if backend == "jax" else "pytensor")
            idata = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains, seed=random_state,
                                  progress_bar=progressbar, save_warmup=False, target_accept=target_accept,
                                  cores=min(chains, os.cpu_count() or 1))
            return idata, used
        if used == "numpyro":
            _jax_device(device)
        with model:
            idata = pm.sample(draws=draws, tune=tune, chains=chains, target_accept=target_accept,
                              random_seed=random_state, progressbar=progressbar, nuts_sampler=used,
                              cores=min(chains, os.cpu_count() or 1), compute_convergence_checks=False)
        return idata, used


def _point_to_idata(model, point: dict[str, Any]):
    import arviz as az

    names = [v.name for v in model.free_RVs] + [v.name for v in model.deterministics]
    post = {k: np.asarray(point[k])[None, None, ...] for k in names if k in point}
    return az.from_dict(posterior=post)


def _reshape_chains(idata, chains: int):
    """ADVI draws come as one chain; split them so that downstream code sees (chain, draw)."""
    import arviz as az

    post = idata.posterior
    out = {}
    for k, v in post.data_vars.items():
        arr = np.asarray(v)[0]
        n = (arr.shape[0] // chains) * chains
        out[k] = arr[:n].reshape((chains, n // chains) + arr.shape[1:])
    return az.from_dict(posterior=out)


def _raise_target_accept(current: float | None) -> str:
    """Advice after divergences: a target acceptance rate above the one used."""
    if current is None:
        return "raise target_accept (e.g. 0.95)"
    higher = 0.95 if current < 0.95 else 0.99 if current < 0.99 else None
    if higher is None:
        return f"target_accept is already {current:g}: reparameterise (tighter smoothness)"
    return f"raise target_accept (now {current:g}; e.g. {higher:g})"


def diagnose(idata, var_names: list[str], method: str, chains: int,
             target_accept: float | None = None) -> dict[str, Any]:
    """r-hat, bulk/tail ESS, divergences and BFMI; each failure explained and warned about.

    ``target_accept`` (the value the sampler ran with) makes the advice after divergences name a
    higher value than the one already used."""
    import arviz as az

    diag: dict[str, Any] = {"method": method, "chains": chains, "problems": []}
    if method != "nuts":  # asked for explicitly: a note, not a failure
        diag["note"] = (f"method={method!r} is an approximation without MCMC diagnostics; "
                        "use method='nuts' for calibrated uncertainty.")
        return diag
    post = idata.posterior
    names = [n for n in var_names if n in post]
    n_draws = int(post.sizes.get("draw", 0))
    if chains > 1:
        rhat = az.rhat(post, var_names=names)
        diag["r_hat_max"] = float(max(float(np.nanmax(rhat[n].values)) for n in names))
    else:
        diag["r_hat_max"] = float("nan")
    ess_b = az.ess(post, var_names=names, method="bulk")
    ess_t = az.ess(post, var_names=names, method="tail")
    diag["ess_bulk_min"] = float(min(float(np.nanmin(ess_b[n].values)) for n in names))
    diag["ess_tail_min"] = float(min(float(np.nanmin(ess_t[n].values)) for n in names))
    stats = getattr(idata, "sample_stats", None)
    div = int(np.asarray(stats["diverging"]).sum()) if stats is not None and "diverging" in stats else 0
    diag["divergences"] = div
    try:
        diag["bfmi_min"] = float(np.min(az.bfmi(idata)))
    except Exception:  # sample_stats without energy (e.g. some samplers)
        diag["bfmi_min"] = float("nan")
    diag["draws"] = n_draws
    need = ESS_MIN_PER_CHAIN * chains
    if chains > 1 and diag["r_hat_max"] > RHAT_MAX:
        diag["problems"].append(f"r_hat up to {diag['r_hat_max']:.3f} (> {RHAT_MAX}): chains disagree; "
                                "increase tune/draws, or simplify the spec (fewer keypoints).")
    if chains == 1:
        diag["problems"].append("one chain: r_hat cannot be computed; use chains >= 2.")
    if diag["ess_bulk_min"] < need or diag["ess_tail_min"] < need:
        diag["problems"].append(f"effective sample size too low (bulk {diag['ess_bulk_min']:.0f}, tail "
                                f"{diag['ess_tail_min']:.0f}; want >= {need}): increase draws.")
    if div:
        diag["problems"].append(f"{div} divergent transitions: {_raise_target_accept(target_accept)} or use fewer keypoints.")
    if np.isfinite(diag["bfmi_min"]) and diag["bfmi_min"] < BFMI_MIN:
        diag["problems"].append(f"BFMI {diag['bfmi_min']:.2f} (< {BFMI_MIN}): poor energy exploration; "
                                "increase tune or reparameterise (fewer keypoints, tighter smoothness).")
    for p in diag["problems"]:
        warnings.warn(f"Sampler diagnostics: {p}", SamplerWarning, stacklevel=3)
    return diag
