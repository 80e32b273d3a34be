"""scikit-learn estimators backed by PyMC: the same spec, with posterior uncertainty."""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._args import is_int, is_probability
from ..errors import DataError, Problem
from ..spec import CategoricalFeature, NumericFeature, Spec
from ._base import (BinaryClassifierMixin, SpecEstimator, int_seed, check_fit_input, check_predict_input, encode_classes,
                    fit_schema, training_data_record)

__all__ = ["BayesianRegressor", "BayesianClassifier"]


class _BayesBase(SpecEstimator):
    _task = "regression"

    _parameter_constraints: dict = {
        "spec": [Spec, dict, str, os.PathLike, None],
        "likelihood": [StrOptions({"auto", "gaussian", "student_t", "lognormal", "poisson", "bernoulli"})],
        "method": [StrOptions({"nuts", "advi", "map"})],
        "sampler": [StrOptions({"auto", "pymc", "nutpie", "numpyro"})],
        "draws": [Interval(Integral, 1, None, closed="left")],
        "tune": [Interval(Integral, 0, None, closed="left")],
        "chains": [Interval(Integral, 1, None, closed="left")],
        "target_accept": [Interval(Real, 0, 1, closed="neither")],
        "smoothness": [Interval(Real, 0, None, closed="neither")],
        "effect_scale": [Interval(Real, 0, None, closed="neither"), StrOptions({"learn"}), None],
        "device": [StrOptions({"auto", "cpu", "gpu"})],
        "random_state": ["random_state"],
        "progressbar": ["boolean"],
    }

    def __init__(
        self,
        spec: Spec | dict | str | None = None,
        *,
        likelihood: Literal["auto", "gaussian", "student_t", "lognormal", "poisson", "bernoulli"] = "auto",
        method: Literal["nuts", "advi", "map"] = "nuts",
        sampler: Literal["auto", "pymc", "nutpie", "numpyro"] = "auto",
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        target_accept: float = 0.9,
        smoothness: float = 1.0,
        effect_scale: float | Literal["learn"] | None = None,
        device: Literal["auto", "cpu", "gpu"] = "auto",
        random_state: int | None = 0,
        progressbar: bool = True,
    ):
        self.spec = spec
        self.likelihood = likelihood
        self.method = method
        self.sampler = sampler
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.target_accept = target_accept
        self.smoothness = smoothness
        self.effect_scale = effect_scale
        self.device = device
        self.random_state = random_state
        self.progressbar = progressbar

    # ------------------------------------------------------------------ fit
    def _resolved_likelihood(self) -> str:
        if self._task == "classification":
            if self.likelihood not in ("auto", "bernoulli"):
                raise DataError([Problem("likelihood", "'auto' or 'bernoulli' for a classifier", repr(self.likelihood),
                                         "Use BayesianRegressor for gaussian, student_t, lognormal or poisson.")])
            return "bernoulli"
        if self.likelihood == "bernoulli":
            raise DataError([Problem("likelihood", "'auto', 'gaussian', 'student_t', 'lognormal' or 'poisson' for a regressor",
                                     "'bernoulli'", "Use BayesianClassifier for binary targets.")])
        return "gaussian" if self.likelihood == "auto" else self.likelihood

    def _fit(self, X: Any, y: Any) -> "_BayesBase":
        from ..backends import get_backend

        bayes = get_backend("bayes")
        self._reset_fitted()
        likelihood = self._resolved_likelihood()
        # before the data and JAX: refuse device='gpu' that cannot run, and tune=0 with nutpie
        sampler = bayes.check_options(method=self.method, sampler=self.sampler, tune=self.tune, device=self.device)
        spec, yv = check_fit_input(self, X, y, self._task)
        if self._task == "classification":
            self.classes_, y_model = encode_classes(yv)
        schema, Xenc, Xraw = fit_schema(spec, X, yv, spec_given=self.spec is not None)
        if self._task == "regression":
            y_model = bayes.model_target(likelihood, yv, schema)
        # the digest of the rows as read (imputed, not clipped: values beyond the keypoints count)
        record = training_data_record(Xraw,
                                      yv if self._task == "regression" else y_model, None)
        bayes.verify_spec(spec, likelihood)
        seed = int_seed(self.random_state)
        terms = bayes.make_terms(spec, schema, Xenc)
        built = bayes.build_model(spec, schema, terms, Xenc, y_model, likelihood=likelihood, smoothness=self.smoothness,
                                   effect_scale=self.effect_scale)
        idata, used = bayes.sample(built.model, method=self.method, sampler=sampler, draws=self.draws,
                                   tune=self.tune, chains=self.chains, target_accept=self.target_accept,
                                   random_state=seed, progressbar=self.progressbar, device=self.device)
        names = [t.name for t in terms] + ["b0", "sigma", "nu"]
        self.program_ = bayes.BayesProgram(terms, built.link, likelihood, bayes.stack_draws(idata, names))
        idata, ll_note = _complete_idata(idata, self.program_, Xenc, y_model, self.method,
                                         _log_jacobian(likelihood, schema, yv))
        free = [v.name for v in built.model.free_RVs]
        self.diagnostics_ = bayes.diagnose(idata, free, self.method, self.chains, self.target_accept)
        self.diagnostics_["sampler"] = used
        self.diagnostics_["likelihood_evaluation"] = (
            "sufficient statistics (Z'Z, Z'y, y'y): gradient cost independent of n"
            if bayes.uses_sufficient_statistics(spec, likelihood) else "per row")
        if ll_note:
            self.diagnostics_["log_likelihood"] = ll_note
        self.idata_ = idata
        self.prior_table_ = [r.to_dict() for r in built.records]
        self.spec_ = spec
        self.schema_ = schema
        self.likelihood_ = likelihood
        self.training_data_ = record
        return self

    # ------------------------------------------------------------------ predictions
    def _encode(self, X: Any) -> np.ndarray:
        check_predict_input(self, X)
        return self.schema_.transform(self.spec_, X)

    def _mean_to_target(self, program, Xenc: np.ndarray) -> np.ndarray:
        """Draws of the mean function E[y | x], target units (probability or rate for those likelihoods)."""
        m = program.mean(Xenc)
        if self.likelihood_ in ("gaussian", "student_t"):
            return self.schema_.unscale_y(m)
        if self.likelihood_ == "lognormal":  # E[y] = exp(mu + s^2 / 2): increasing in mu for each draw
            s = self.schema_.y_scale * program.draws["sigma"][:, None]
            return np.exp(self.schema_.unscale_y(m) + 0.5 * s ** 2)
        return m

    def _sample_to_target(self, ys: np.ndarray) -> np.ndarray:
        """Draws of y in model units -> target units; with output bounds, clipped to them (the noise
        is Gaussian around a bounded mean, and the spec says that y itself lies within the bounds)."""
        if self.likelihood_ in ("gaussian", "student_t"):
            out = self.schema_.unscale_y(ys)
            bounds = self.spec_.output
            return out if bounds is None else np.clip(out, bounds.min, bounds.max)
        if self.likelihood_ == "lognormal":  # positive: the only bound allowed, min <= 0, holds already
            return np.exp(self.schema_.unscale_y(ys))
        return ys

    def predict_draws(self, X: Any) -> np.ndarray:
        """Posterior draws of the mean function, shape (n_draws, n): target units
        (regression; for ``likelihood='lognormal'`` the mean ``exp(mu + sigma^2 / 2)``, not the
        median) or the probability of ``classes_[1]`` (classification)."""
        Xenc = self._encode(X)  # checks that the model is fitted before program_ is read
        return self._mean_to_target(self.program_, Xenc)

    def predict_interval(self, X: Any, prob: float = 0.9, random_state: int | None = 0) -> np.ndarray:
        """Posterior-predictive intervals including noise, shape (n, 2).

        Each posterior draw gives at least one draw of y; with fewer than 1,000 posterior draws
        (``method="map"`` has one) each gives several, so that the quantiles rest on 1,000 or more.
        For a ``method="map"`` fit this is the plug-in interval: noise only, no parameter uncertainty.
        With ``output`` bounds in the spec, each draw of y is clipped to them, so the interval lies
        within ``[min, max]`` (an end can equal a bound where much of the noise would cross it).
        """
        _check_prob(prob)
        Xenc = self._encode(X)  # checks that the model is fitted before program_ is read
        rng = np.random.default_rng(random_state)
        reps = -(-MIN_PREDICTIVE_DRAWS // self.program_.n_draws)
        a = (1 - prob) / 2
        out = np.empty((Xenc.shape[0], 2))
        for rows in _row_blocks(Xenc.shape[0], reps * self.program_.n_draws):
            ys = np.concatenate([self._sample_to_target(self.program_.sample_y(Xenc[rows], rng)) for _ in range(reps)])
            out[rows] = np.column_stack([np.quantile(ys, a, axis=0), np.quantile(ys, 1 - a, axis=0)])
        return out

    def _posterior_mean(self, X: Any, return_std: bool = False):
        """Mean (and sd) over the posterior draws of the mean function, target units, computed in blocks of
        rows (see :data:`PREDICT_BLOCK_VALUES`) so that memory does not grow with draws x rows."""
        Xenc = self._encode(X)  # checks that the model is fitted before program_ is read
        mean, sd = np.empty(Xenc.shape[0]), np.empty(Xenc.shape[0])
        for rows in _row_blocks(Xenc.shape[0], self.program_.n_draws):
            d = self._mean_to_target(self.program_, Xenc[rows])
            mean[rows] = d.mean(axis=0)
            if return_std:
                sd[rows] = d.std(axis=0)
        return (mean, sd) if return_std else mean

    def shape_functions(self, grid: int = 50, prob: float = 0.9) -> dict[str, Any]:
        """Each feature's effect curve (centred, linear-predictor scale in target units for
        gaussian/student_t fits, log target for lognormal, logit for classifiers, log-rate for
        poisson) with a credible band.

        Centred: in every posterior draw the curve averages 0 over the training rows, so ``mean``
        and the band (equal-tailed, ``prob``) are about the effect's shape and size, not its level
        (the intercept carries that). For the main feature of an edgeworth trust it is the main
        effect only, without the trust surface.

        Returns a dict ``feature -> DataFrame`` with columns ``x, mean, lower, upper``.
        """
        import pandas as pd

        check_is_fitted(self)
        _check_prob(prob)
        _check_count("grid", grid, 2, "For example grid=50.")
        a = (1 - prob) / 2
        scale = self._target_units()
        out = {}
        for j, (f, fs) in enumerate(zip(self.spec_.features, self.schema_.features)):
            term = self.program_.terms[j]
            if fs.kind == "numeric":
                xs = np.unique(np.concatenate([np.linspace(fs.keypoints[0], fs.keypoints[-1], grid), fs.keypoints]))
                Xenc = np.zeros((len(xs), len(self.spec_.features)))
                Xenc[:, j] = xs
                labels = xs
            else:
                codes = np.arange(fs.n_buckets, dtype=float)
                Xenc = np.zeros((len(codes), len(self.spec_.features)))
                Xenc[:, j] = codes
                labels = list(fs.categories) + (["(missing)"] if fs.missing_bucket else [])
            curves = scale * (self.program_.draws[term.name] @ term.weights(Xenc).T)
            out[f.name] = pd.DataFrame({"x": labels, "mean": curves.mean(axis=0),
                                        "lower": np.quantile(curves, a, axis=0), "upper": np.quantile(curves, 1 - a, axis=0)})
        return out

    def prior_predictive(self, X: Any, draws: int = 500, random_state: int | None = 0) -> dict[str, np.ndarray]:
        """Draws from the prior: ``{"mean": (draws, n), "y": (draws, n)}``.

        Regression: both in target units (``"mean"`` as :meth:`predict_draws`, ``"y"`` with the
        noise). Classification: ``"mean"`` is the probability of ``classes_[1]`` (as
        :meth:`predict_draws`) and ``"y"`` holds class labels drawn with that probability, taken
        from ``classes_`` with its dtype, as :meth:`predict` returns them (not 0/1 codes).

        The priors are the fit's, as listed in ``prior_table_`` (the intercept's, scaled to the
        training target for classifiers and poisson, included). Every prior draw obeys every hard
        constraint (they are built in); draws of y respect the output bounds as in
        :meth:`predict_interval`."""
        import pymc as pm

        from ..backends.bayes import BayesProgram, build_model
        from ..backends.bayes.sampling import quiet_pymc

        _check_count("draws", draws, 1, "For example draws=500.")
        Xenc = self._encode(X)
        y0 = np.zeros(Xenc.shape[0])  # a placeholder: the likelihood plays no part in prior draws
        built = build_model(self.spec_, self.schema_, self.program_.terms, Xenc, y0, likelihood=self.likelihood_,
                            smoothness=self.smoothness, effect_scale=self.effect_scale,
                            scaled_intercept=self._scaled_intercept())
        names = [t.name for t in self.program_.terms] + ["b0", "sigma", "nu"]
        present = [n for n in names if n in built.model.named_vars]
        with built.model, warnings.catch_warnings(), quiet_pymc(not self.progressbar):
            # The only Potential in the model is the likelihood of large gaussian fits (sufficient
            # statistics); a prior draw ignores the likelihood anyway, so PyMC's warning does not apply.
            warnings.filterwarnings("ignore", message="The effect of Potentials", category=UserWarning)
            prior = pm.sample_prior_predictive(draws=draws, var_names=present, random_seed=random_state)
        arrays = {n: np.asarray(prior.prior[n]).reshape((-1,) + np.asarray(prior.prior[n]).shape[2:]) for n in present}
        prog = BayesProgram(self.program_.terms, built.link, self.likelihood_, arrays)
        rng = np.random.default_rng(random_state)
        ys = self._sample_to_target(prog.sample_y(Xenc, rng))
        if self._task == "classification":  # 0/1 codes of the model -> the labels of classes_, as predict gives
            ys = self.classes_[ys.astype(int)]
        return {"mean": self._mean_to_target(prog, Xenc), "y": ys}

    def _scaled_intercept(self) -> tuple[float, float] | None:
        """The fit's data-scaled intercept prior ``(mu, sigma)`` from the prior table (None with a user's)."""
        rec = next((r for r in self.prior_table_ if r["parameter"] == "intercept" and r["origin"] == "scaled"), None)
        return None if rec is None else (rec["params"]["mu"], rec["params"]["sigma"])

    # ------------------------------------------------------------------ certificate hooks
    def _enforcement(self, kind: str, key: Any) -> tuple[str, str]:
        how = {
            "monotonic": "slopes = direction x positive total effect x positive shape (reparameterisation)",
            "convex": "slopes built from cumulative sums of non-negative increments",
            "concave": "slopes built from cumulative sums of non-positive increments",
            "unimodal": "slopes = positive x tanh(mode - u): one sign change, at the mode parameter",
            "order": "each level = max of its lower neighbours + a half-normal increment",
            "trust": "interaction surface from non-negative mixed differences",
            "dominance": "dominant slopes/effect = dominated maximum + positive excess",
            "output": ("exp of the log-scale predictor (positive)" if self.likelihood_ == "lognormal" else
                       "sigmoid (two bounds) or softplus (one bound) link"),
        }.get(kind, "")
        return "construction", how

    def _certify_monotonic_dominance(self, ref, a: str, b: str):
        """Per draw: the smallest slope of ``a`` minus the largest slope of ``b``, per unit of the
        scaled range (the calibrated input of this additive model), at every keypoint segment."""
        from ..backends.bayes.design import unit_widths

        ia, ib = self.spec_.feature_names.index(a), self.spec_.feature_names.index(b)
        out = []
        for j in (ia, ib):
            term = self.program_.terms[j]
            v = self.program_.draws[term.name]
            out.append(np.abs(np.diff(v, axis=1)) / unit_widths(term.knots[0]))
        viol = out[1].max(axis=1) - out[0].min(axis=1)
        # in output units over a step of 0.05 of the range, as for the lattice backend
        return int(out[0].shape[1] + out[1].shape[1]), 0.05 * viol * self._target_units(), "all keypoint segments of both features"

    def _target_units(self) -> float:
        return self.schema_.y_scale if self.likelihood_ in ("gaussian", "student_t", "lognormal") else 1.0

    def _get_saved_state(self):
        meta, arrays = self.program_.to_state()
        meta.update({"diagnostics": _jsonable(self.diagnostics_), "prior_table": self.prior_table_,
                     "likelihood_": self.likelihood_})
        # the rest of the posterior (every parameter, by chain), so that a loaded model has idata_.posterior
        idata = getattr(self, "idata_", None)
        if idata is not None and "posterior" in idata.groups():
            post = idata.posterior
            others = [str(n) for n in post.data_vars if n not in self.program_.draws]
            meta["posterior"] = {"chains": int(post.sizes["chain"]), "names": others}
            arrays.update({f"posterior__{n}": np.asarray(post[n]) for n in others})
        return meta, arrays

    def _set_saved_state(self, meta, arrays) -> None:
        import arviz as az

        from ..backends.bayes import BayesProgram

        self.program_ = BayesProgram.from_state(meta, arrays)
        self.diagnostics_ = meta["diagnostics"]
        self.prior_table_ = meta["prior_table"]
        self.likelihood_ = meta["likelihood_"]
        # idata_ holds the posterior group only: the log-likelihood and observed data need the training data
        saved = meta.get("posterior", {"chains": 1, "names": []})
        chains = int(saved["chains"])
        posterior = {k: v.reshape((chains, -1) + v.shape[1:]) for k, v in self.program_.draws.items()}
        posterior.update({n: arrays[f"posterior__{n}"] for n in saved["names"]})
        self.idata_ = az.from_dict(posterior=posterior)


class BayesianRegressor(RegressorMixin, _BayesBase):
    """Bayesian additive regression obeying a constraint spec (PyMC).

    Every prior and posterior draw obeys every hard constraint: constraints
    are built into the parameterisation (see :mod:`priorml.backends.bayes.model`).

    Parameters
    ----------
    spec : Spec, dict, str path or None
        The constraint spec (its ``priors`` block is used here).
    likelihood : {'auto', 'gaussian', 'student_t', 'lognormal', 'poisson'}
        ``auto``: gaussian. ``lognormal`` (positive targets, multiplicative noise) models
        ``log y``; :meth:`predict` returns the mean ``exp(mu + sigma^2 / 2)``. It refuses
        what exp would bend (concave shapes, trust, range dominance, bounds other than
        ``min <= 0``). User priors in target units are translated to log units to first
        order (the prior table says so): a noise scale at the geometric mean of ``y``, an
        effect at the mean prediction ``exp(intercept + sigma^2 / 2)`` where every effect is
        at its average over the training rows (in each draw of the intercept and of the
        noise sd ``sigma`` of ``log y``), as the prediction is that mean, not the median.
    method : {'nuts', 'advi', 'map'}
        Full MCMC, or a quick approximation.
    sampler : {'auto', 'pymc', 'nutpie', 'numpyro'}
        NUTS implementation; ``auto`` uses nutpie when installed. A sampler whose package is
        missing or cannot be imported is a ``BackendUnavailableError`` naming the option and
        the fix. PyMC's ``blackjax`` option is not offered (refused by parameter validation).
    draws, tune, chains : int
        Posterior draws and warm-up iterations per chain, and the number of chains. nutpie needs
        ``tune >= 1``: ``tune=0`` is refused with ``sampler='nutpie'`` and runs PyMC's NUTS with
        ``sampler='auto'``. ``method='advi'`` runs ``max(5000, 20 * tune)`` optimisation steps
        and draws ``draws * chains`` from the approximation (split into ``chains`` pseudo-chains);
        when its loss is still falling at the end, ``diagnostics_`` says so and a
        ``SamplerWarning`` advises a larger ``tune``. ``method='map'`` is one point: one chain
        of one draw.
    target_accept : float
        NUTS target acceptance rate.
    smoothness : float
        Scale of the half-normal prior on the random-walk step of slopes
        (smaller: smoother effect curves).
    effect_scale : float, 'learn' or None
        Default prior size of each numeric feature's total effect (its change from its first
        to its last keypoint) when the spec gives no prior for it, in model units (standard
        deviations of the target; logits for a classifier; log-rate for poisson): the
        median of the log-normal prior on a monotone effect's size, and half the sd of
        the normal prior on a free effect. ``'learn'``: the log of that size is one
        parameter shared by these features (prior ``Normal(log s, 1)``), learned from the
        data; each feature's log size is the shared level plus its own ``Normal(0, 1)``
        deviation (partial pooling), so the data decide whether effects are typically
        large or small. ``None``: a fixed 2 for regression, and ``'learn'`` with ``s = 8``
        for a classifier (both chosen by cross-validation on the training rows of the
        benchmark datasets, ``benchmarks/diag_bayes_priors.py``). User priors from the
        spec are never rescaled nor pooled.
    device : {'auto', 'cpu', 'gpu'}
        For ``sampler='numpyro'``: where JAX runs (switched for the fit only, no lasting setting).
        ``'gpu'`` is refused, before JAX is set up, when JAX sees no GPU or with another sampler or
        method (nutpie, PyMC, ADVI and MAP run on the CPU); ``'cpu'`` and ``'auto'`` change nothing
        for them.
    random_state : int or None
        Seed.
    progressbar : bool
        Show sampling progress. ``False`` also silences PyMC's progress messages (its "pymc"
        logger below WARNING), in ``fit`` and :meth:`prior_predictive`.

    Attributes
    ----------
    idata_ : arviz.InferenceData
        Posterior, pointwise log-likelihood (for ``az.loo``; densities of ``y`` in target
        units, the Jacobian of the standardisation included, so LOO compares across
        likelihoods), observed data (model units). After :func:`priorml.load`, the posterior
        group only: the log-likelihood and observed data need the training data, and the
        sampler's statistics are summarised in ``diagnostics_``.
    diagnostics_ : dict
        r-hat, bulk/tail ESS, divergences, BFMI and the problems found; ``chains`` and ``draws``
        as held in ``idata_`` (ADVI: also ``advi_steps`` and ``advi_loss_drop``, the share by
        which its loss still fell over the last tenth of the steps).
    prior_table_ : list of dict
        Every prior with its origin (user, scaled, default) and, in its note, the scale it is
        on: a user's effect prior is on the linear predictor (logits for a classifier, log-rate
        for poisson; inside the link with output bounds, where the prediction's change is smaller).

    Examples
    --------
    >>> import numpy as np, priorml
    >>> X = np.random.default_rng(0).uniform(size=(100, 1)); y = 2 * X[:, 0]
    >>> spec = priorml.Spec.from_dict({"features": {"x": {"monotonic": "increasing"}}})
    >>> m = priorml.BayesianRegressor(spec, draws=200, tune=200, chains=2, progressbar=False).fit(X, y)  # doctest: +SKIP
    >>> m.predict_interval(X[:2]).shape  # doctest: +SKIP
    (2, 2)
    """

    _task = "regression"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> "BayesianRegressor":
        return self._fit(X, y)

    def predict(self, X: Any, return_std: bool = False):
        """Posterior mean of the mean function; with ``return_std`` also its posterior sd."""
        return self._posterior_mean(X, return_std)


class BayesianClassifier(BinaryClassifierMixin, _BayesBase):
    """Bayesian additive binary classifier (Bernoulli-logit) obeying a constraint spec.

    Constraints apply to the log-odds of ``classes_[1]``. Parameters as
    :class:`BayesianRegressor` (the likelihood is Bernoulli).
    """

    _task = "classification"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> "BayesianClassifier":
        return self._fit(X, y)

    def predict_proba(self, X: Any) -> np.ndarray:
        p = self._posterior_mean(X)
        return np.column_stack([1 - p, p])

    def decision_function(self, X: Any) -> np.ndarray:
        p = np.clip(self.predict_proba(X)[:, 1], 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))

    def decision_draws(self, X: Any) -> np.ndarray:
        """Posterior draws of the log-odds of ``classes_[1]``, shape (n_draws, n), the scale on which
        shapes are stated: the linear predictor itself, so not limited, as the logit of a probability
        is, to about +-27.6 where that probability rounds to 0 or 1 in floating point."""
        Xenc = self._encode(X)  # checks that the model is fitted before program_ is read
        return self.program_.eta(Xenc)

    def predict(self, X: Any) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] > 0.5  # checks that the model is fitted before classes_ is read
        return self.classes_[positive.astype(int)]



def _log_jacobian(likelihood: str, schema, y: np.ndarray) -> np.ndarray | None:
    """log |d y_model / d y| per row: added to the model-unit log density it gives the density of ``y``."""
    if likelihood in ("gaussian", "student_t"):
        return np.full(len(y), -np.log(schema.y_scale))
    if likelihood == "lognormal":
        return -np.log(schema.y_scale) - np.log(np.asarray(y, dtype=float))
    return None  # counts and classes are modelled in their own units


#: pointwise log-likelihood sizes (draws x rows): float64 up to the first, float32 up to the second,
#: not stored beyond (az.loo needs it; a subsample of rows can be scored with program_.log_likelihood)
LOGLIK_FLOAT64_MAX = 50_000_000
LOGLIK_STORED_MAX = 250_000_000


def _complete_idata(idata, program, Xenc, y_model, method, log_jacobian=None):
    """Add observed data and the pointwise log-likelihood to the InferenceData, the latter as
    densities of the target in its own units (``log_jacobian`` added), computed in numpy from
    the draws. Returns ``(idata, note)``; the note says why the log-likelihood is missing or
    stored in float32, or is empty."""
    import xarray as xr

    if "observed_data" not in idata.groups():
        idata.add_groups(observed_data=xr.Dataset({"y": ("obs", np.asarray(y_model))}))
    if method == "map" or "log_likelihood" in idata.groups():
        return idata, ""
    size = program.n_draws * Xenc.shape[0]
    if size > LOGLIK_STORED_MAX:
        import warnings

        from ..errors import SamplerWarning

        note = (f"pointwise log-likelihood not stored: {program.n_draws} draws x {Xenc.shape[0]} rows exceeds "
                f"{LOGLIK_STORED_MAX:.0e} values; az.loo will not work. Score a subsample of rows with "
                "program_.log_likelihood(Xenc, y) or fit with fewer draws.")
        warnings.warn(note, SamplerWarning, stacklevel=3)
        return idata, note
    dtype = np.float64 if size <= LOGLIK_FLOAT64_MAX else np.float32
    ll = program.log_likelihood(Xenc, y_model, dtype=dtype)
    if log_jacobian is not None:
        ll += np.asarray(log_jacobian, dtype=dtype)[None, :]
    post = idata.posterior
    shape = (int(post.sizes["chain"]), int(post.sizes["draw"]), Xenc.shape[0])
    ds = xr.Dataset({"y": (("chain", "draw", "obs"), ll.reshape(shape))},
                    coords={"chain": post["chain"].values, "draw": post["draw"].values, "obs": np.arange(shape[2])})
    if log_jacobian is not None:
        ds.attrs["units"] = "log density of y in target units (Jacobian of the standardisation included)"
    idata.add_groups(log_likelihood=ds)
    return idata, ("" if dtype is np.float64 else "pointwise log-likelihood stored in float32 (large n x draws)")


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in d.items()}


#: predict_interval's quantiles rest on at least this many draws of y
MIN_PREDICTIVE_DRAWS = 1000

#: predict, predict_proba and predict_interval go through the rows in blocks of at most this many values
#: (draws x rows, 32 MB in float64), so that 4,000 draws at 200,000 rows need tens of MB, not tens of GB
PREDICT_BLOCK_VALUES = 2 ** 22


def _row_blocks(n_rows: int, per_row: int) -> list[slice]:
    """Slices covering ``n_rows`` rows, each holding at most :data:`PREDICT_BLOCK_VALUES` values (one row
    at least) when a row takes ``per_row`` values."""
    step = max(1, PREDICT_BLOCK_VALUES // max(int(per_row), 1))
    return [slice(start, start + step) for start in range(0, n_rows, step)] or [slice(0, 0)]


def _check_prob(prob: Any) -> None:
    if not is_probability(prob):
        raise DataError([Problem("prob", "a probability in (0, 1)", repr(prob), "For example prob=0.9.")])


def _check_count(name: str, value: Any, minimum: int, fix: str) -> None:
    if not is_int(value, minimum):
        raise DataError([Problem(name, f"an integer >= {minimum}", repr(value), fix)])
