"""Inference (NUTS through nutpie, PyMC or numpyro; ADVI; MAP) and diagnostics."""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
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

#: ADVI runs max(ADVI_MIN_STEPS, ADVI_STEPS_PER_TUNE * tune) optimisation steps
ADVI_MIN_STEPS = 5000
ADVI_STEPS_PER_TUNE = 20
#: ADVI is taken as still converging (a SamplerWarning) when the median loss of the last tenth of its steps
#: lies below that of the tenth before by more than ADVI_MAX_LOSS_DROP of its size and by more than
#: ADVI_MAX_NOISE_DROP of the loss's own noise (its robust sd over the last tenth)
ADVI_MAX_LOSS_DROP = 0.01
ADVI_MAX_NOISE_DROP = 0.1


def resolve_sampler(sampler: str) -> str:
    if sampler == "auto":
        return "nutpie" if importlib.util.find_spec("nutpie") is not None else "pymc"
    if sampler in ("nutpie", "numpyro") and importlib.util.find_spec(sampler) is None:
        from ...errors import BackendUnavailableError

        raise BackendUnavailableError(f"sampler={sampler!r} needs the package {sampler!r}; install it with "
                                      f"pip install {sampler}, or use sampler='pymc'.")
    return sampler


#: nutpie's adaptation needs at least this many warm-up steps (tune=0 panics inside its Rust code)
NUTPIE_MIN_TUNE = 1


def check_options(*, method: str, sampler: str, tune: int, device: str) -> str:
    """The sampler a fit will use, after refusing what cannot run; nothing is sampled and JAX is not
    configured. ``sampler='auto'`` falls back from nutpie to PyMC's own NUTS for ``tune=0``.

    Raises :class:`~priorml.errors.SpecError` naming ``device`` (``'gpu'`` without numpyro, or without
    a GPU visible to JAX: checked before any JAX setting changes, so the process can still sample on
    the CPU afterwards) or ``tune`` (``tune=0`` with ``sampler='nutpie'``)."""
    from ...errors import Problem, SpecError

    used = method
    if method == "nuts":
        used = resolve_sampler(sampler)
        if used == "nutpie" and tune < NUTPIE_MIN_TUNE:
            if sampler != "auto":
                raise SpecError([Problem("tune", f"at least {NUTPIE_MIN_TUNE} warm-up step with sampler='nutpie'",
                                         repr(tune), "nutpie cannot adapt its step size without warm-up; use "
                                         "tune >= 100 (1000 is the default), or sampler='pymc' or 'numpyro', "
                                         "which accept tune=0.", key="tune")], title="Invalid arguments")
            used = "pymc"
    if device == "gpu" and used != "numpyro":
        what = f"method={method!r}" if method != "nuts" else f"sampler={used!r}"
        raise SpecError([Problem("device", "device='gpu' only with method='nuts' and sampler='numpyro'",
                                 f"'gpu' with {what}", f"{what} runs where its own framework puts it "
                                 "(nutpie, PyMC, ADVI and MAP: the CPU); use sampler='numpyro' to sample on a GPU, "
                                 "or device='auto'.", key="device")], title="Invalid arguments")
    if device == "gpu" and not _gpu_visible():
        raise SpecError([Problem("device", "a GPU visible to JAX for device='gpu'", "no GPU device",
                                 "JAX sees no GPU (is the CUDA build of jax installed, e.g. pip install "
                                 "'jax[cuda12]', and a GPU visible, see nvidia-smi and CUDA_VISIBLE_DEVICES?); "
                                 "use device='auto' or 'cpu' to sample on the CPU.", key="device")],
                        title="Invalid arguments")
    return used


def _gpu_visible() -> bool:
    """Whether JAX can run on a GPU. Without a CUDA (or ROCm) plugin of jaxlib, or with JAX_PLATFORMS
    excluding it, the answer is no without importing JAX; otherwise JAX is initialised with its own
    defaults (every available platform, which is what device='auto' would use) and asked. Nothing is
    restricted, so a refusal leaves the process able to sample on the CPU."""
    platforms = os.environ.get("JAX_PLATFORMS", "")
    if platforms and not {"cuda", "gpu", "rocm"} & {p.strip().lower() for p in platforms.split(",")}:
        return False
    plugins = ("jax_cuda12_plugin", "jax_cuda13_plugin", "jax_rocm60_plugin", "jax_plugins")
    if "jax" not in sys.modules and not any(importlib.util.find_spec(p) is not None for p in plugins):
        return False
    try:
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    except RuntimeError:  # no backend could start
        return False


def _jax_device(device: str):
    """``(context, extra nuts_sampler_kwargs)`` that run numpyro on ``device`` without a lasting
    setting: JAX's default device is switched inside the context only. ``check_options`` has already
    refused a GPU that JAX cannot see."""
    if device == "auto":
        return contextlib.nullcontext(), {}
    import pymc.sampling.jax  # noqa: F401  (it sets XLA's CPU device count, which must precede JAX's start)
    import jax

    if device == "gpu":
        return jax.default_device(jax.devices("gpu")[0]), {}
    # parallel chains (pmap) would run on the default backend's devices; vectorised chains follow the context
    extra = {} if jax.default_backend() == "cpu" else {"chain_method": "vectorized"}
    return jax.default_device(jax.devices("cpu")[0]), extra


@contextlib.contextmanager
def quiet_pymc(quiet: bool):
    """Silence PyMC's progress messages (its "pymc" logger below WARNING) while ``quiet``:
    "Finished [100%]: Average Loss", "Initializing NUTS...", "Sampling: [...]"."""
    if not quiet:
        yield
        return
    log = logging.getLogger("pymc")
    level = log.level
    log.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        log.setLevel(level)


def sample(model, *, method: str, sampler: str, draws: int, tune: int, chains: int, target_accept: float,
           random_state: int, progressbar: bool, device: str = "auto"):
    """Run inference; returns (InferenceData, the sampler actually used). ``sampler`` is the resolved
    one (:func:`check_options`)."""
    import pymc as pm

    with warnings.catch_warnings(), quiet_pymc(not progressbar):
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
                approx = pm.fit(n=max(ADVI_MIN_STEPS, ADVI_STEPS_PER_TUNE * tune), method="advi",
                                random_seed=random_state, progressbar=progressbar)
                idata = approx.sample(draws=draws * chains, random_seed=random_state)
            idata = _reshape_chains(idata, chains)
            idata.posterior.attrs.update(advi_convergence(approx.hist))  # read by diagnose
            return idata, "advi"
        used = resolve_sampler(sampler)
        # numba compiles slowly (tens of seconds) but evaluates gradients fastest; JAX compiles in
        # seconds. Short runs (tests, quick looks) are dominated by compilation.
        backend = "numba" if (draws + tune) * chains > NUTPIE_JAX_MAX_ITERATIONS else "jax"
        _import_sampler(used, jax_backend=backend == "jax")
        if used == "nutpie":
            import nutpie

            compiled = nutpie.compile_pymc_model(model, backend=backend, gradient_backend="jax" if backend == "jax" else "pytensor")
            idata = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains, seed=random_state,
                                  progress_bar=progressbar, save_warmup=False, target_accept=target_accept,
                                  cores=min(chains, os.cpu_count() or 1))
            return idata, used
        place, extra = _jax_device(device) if used == "numpyro" else (contextlib.nullcontext(), {})
        with model, place:
            idata = pm.sample(draws=draws, tune=tune, chains=chains, target_accept=target_accept,
                              random_seed=random_state, progressbar=progressbar, nuts_sampler=used,
                              cores=min(chains, os.cpu_count() or 1), compute_convergence_checks=False,
                              **({"nuts_sampler_kwargs": extra} if extra else {}))
        return idata, used


def _import_sampler(used: str, *, jax_backend: bool = False) -> None:
    """Import what NUTS through ``used`` needs, so that a package that is installed (``find_spec``
    finds it) but cannot be imported (a broken or mismatched install: numba, jaxlib) is a
    :class:`~priorml.errors.BackendUnavailableError` naming the ``sampler`` option and the fix, not a
    bare ImportError from inside nutpie or PyMC. ``pymc.sampling.jax`` comes first: it sets XLA's CPU
    device count, which must precede JAX's start (importing JAX or numpyro does not start it)."""
    if used == "nutpie":
        modules = ("nutpie", "jax") if jax_backend else ("nutpie",)
        which = "sampler='nutpie' (also what sampler='auto' uses where nutpie is installed)"
        fix = "pip install --force-reinstall nutpie" + (" jax jaxlib" if jax_backend else "")
    elif used == "numpyro":
        modules = ("pymc.sampling.jax", "numpyro")
        which, fix = "sampler='numpyro'", "pip install --force-reinstall numpyro jax jaxlib"
    else:
        return
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            from ...errors import BackendUnavailableError

            raise BackendUnavailableError(
                f"{which} cannot run: importing {name!r} failed ({exc}). Repair the installation "
                f"({fix}), or use sampler='pymc'.") from exc


def advi_convergence(loss) -> dict[str, Any]:
    """How far ADVI's loss (its negative ELBO, one value per step) was still falling at the end:
    ``advi_steps``, ``advi_loss_drop`` (the fall of the median loss from the second-last to the last
    tenth of the steps, as a share of the last; NaN when too few steps) and ``advi_converged``
    (0 or 1; see :data:`ADVI_MAX_LOSS_DROP`). An approximation stopped while its loss still falls
    has not found the posterior: its means are off and its spread too wide."""
    h = np.asarray(loss, dtype=float)
    out: dict[str, Any] = {"advi_steps": int(h.size), "advi_loss_drop": float("nan"), "advi_converged": 1}
    h = h[np.isfinite(h)]
    w = h.size // 10
    if w < 10:
        return out
    before, last = h[-2 * w:-w], h[-w:]
    drop = float(np.median(before) - np.median(last))
    noise = 1.4826 * float(np.median(np.abs(last - np.median(last))))
    size = abs(float(np.median(last)))
    out["advi_loss_drop"] = drop / size if size > 0 else (float("inf") if drop > 0 else 0.0)
    out["advi_converged"] = int(not (drop > ADVI_MAX_LOSS_DROP * size and drop > ADVI_MAX_NOISE_DROP * noise))
    return out


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

    post = idata.posterior
    # what was drawn, not what was asked: a MAP fit is one point (one chain of one draw) whatever ``chains``
    chains = int(post.sizes.get("chain", chains))
    n_draws = int(post.sizes.get("draw", 0))
    diag: dict[str, Any] = {"method": method, "chains": chains, "problems": []}
    if method != "nuts":  # asked for explicitly: a note, not a failure
        diag["note"] = (f"method={method!r} is an approximation without MCMC diagnostics; "
                        "use method='nuts' for calibrated uncertainty.")
        diag["draws"] = n_draws
        if method == "advi" and "advi_steps" in post.attrs:
            steps, drop = int(post.attrs["advi_steps"]), float(post.attrs["advi_loss_drop"])
            diag["advi_steps"], diag["advi_loss_drop"] = steps, drop
            if not int(post.attrs["advi_converged"]):
                diag["problems"].append(
                    f"ADVI had not converged: after {steps} steps its loss still fell {100 * drop:.1f}% over the "
                    f"last tenth of them, so its means are off and its spread too wide; increase tune (ADVI runs "
                    f"max({ADVI_MIN_STEPS}, {ADVI_STEPS_PER_TUNE} x tune) steps), or use method='nuts'.")
        for p in diag["problems"]:
            warnings.warn(f"Sampler diagnostics: {p}", SamplerWarning, stacklevel=3)
        return diag
    names = [n for n in var_names if n in post]
    undefined: dict[str, list[str]] = {}  # diagnostic -> parameters where it is NaN
    if chains > 1:
        diag["r_hat_max"], undefined["r_hat"] = _extreme(az.rhat(post, var_names=names), names, np.max)
    else:
        diag["r_hat_max"] = float("nan")
    ess_bad: list[str] = []
    for kind in ("bulk", "tail"):
        diag[f"ess_{kind}_min"], bad = _extreme(az.ess(post, var_names=names, method=kind), names, np.min)
        ess_bad += [n for n in bad if n not in ess_bad]
    undefined["effective sample size"] = ess_bad
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
    for what, bad in undefined.items():
        if bad:
            shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
            diag["problems"].append(f"{what} undefined (NaN) for {shown}: too few draws ({n_draws} per chain) or "
                                    "a chain that never moved, so convergence is unchecked; increase draws and "
                                    "tune (e.g. draws=1000, tune=1000).")
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


def _extreme(ds, names: list[str], reduce) -> tuple[float, list[str]]:
    """``reduce`` over every defined value of a diagnostic (NaN when none is), and the parameters
    with an undefined (NaN) value: too few draws, or a chain stuck at one value."""
    values = {n: np.asarray(ds[n].values, dtype=float).ravel() for n in names}
    bad = [n for n, v in values.items() if np.any(np.isnan(v))]
    defined = np.concatenate([v[~np.isnan(v)] for v in values.values()] + [np.empty(0)])
    return (float(reduce(defined)) if defined.size else float("nan")), bad
