"""A fitted Bayesian model as plain state: terms, link and posterior draws.

Predictions are computed in numpy from the draws of each term's vertex
values, so a fitted or loaded model never needs PyMC to predict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .design import Term
from .model import apply_link


@dataclass
class BayesProgram:
    terms: list[Term]
    link: dict[str, Any]
    likelihood: str
    draws: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n_draws, ...)

    @property
    def n_draws(self) -> int:
        return int(self.draws["b0"].shape[0])

    def eta(self, Xenc: np.ndarray, draws: slice | np.ndarray | None = None) -> np.ndarray:
        """Linear predictor (n_draws, n)."""
        sel = slice(None) if draws is None else draws
        out = np.repeat(self.draws["b0"][sel][:, None], Xenc.shape[0], axis=1)
        for t in self.terms:
            out = out + self.draws[t.name][sel] @ t.weights(Xenc).T
        return out

    def mean(self, Xenc: np.ndarray, draws=None) -> np.ndarray:
        """Mean function in model units (n_draws, n): standardised target, probability, or rate."""
        eta = self.eta(Xenc, draws)
        if self.likelihood == "bernoulli":
            from scipy.special import expit  # no overflow warning at large |eta| (1 / (1 + exp(-eta)) gave one)

            return expit(eta)
        if self.likelihood == "poisson":
            return np.exp(eta)
        return apply_link(eta, self.link)

    def sample_y(self, Xenc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One posterior-predictive draw of y per posterior draw (n_draws, n), model units."""
        mu = self.mean(Xenc)
        if self.likelihood == "bernoulli":
            return (rng.random(mu.shape) < mu).astype(float)
        if self.likelihood == "poisson":
            return _poisson(mu, rng)
        sigma = self.draws["sigma"][:, None]
        if self.likelihood == "student_t":
            nu = self.draws["nu"][:, None]
            return mu + sigma * rng.standard_t(nu, size=mu.shape)
        return mu + sigma * rng.standard_normal(mu.shape)

    def log_likelihood(self, Xenc: np.ndarray, y: np.ndarray, *, rows: int = 4096,
                       dtype: type = np.float64) -> np.ndarray:
        """Pointwise log-likelihood (n_draws, n) of ``y`` in model units, computed from the draws
        in blocks of ``rows`` rows (the same densities as the PyMC model's likelihood)."""
        from scipy.special import gammaln
        from scipy.stats import t as student_t

        out = np.empty((self.n_draws, Xenc.shape[0]), dtype=dtype)
        y = np.asarray(y, dtype=float)
        for start in range(0, Xenc.shape[0], rows):
            sl = slice(start, start + rows)
            yb = y[sl][None, :]
            if self.likelihood == "bernoulli":
                eta = self.eta(Xenc[sl])  # log p = -log(1 + exp(-eta)), log(1 - p) = -log(1 + exp(eta))
                out[:, sl] = -np.logaddexp(0.0, np.where(yb > 0.5, -eta, eta))
            elif self.likelihood == "poisson":
                eta = self.eta(Xenc[sl])
                out[:, sl] = yb * eta - np.exp(eta) - gammaln(yb + 1.0)
            else:
                mu = self.mean(Xenc[sl])
                sigma = self.draws["sigma"][:, None]
                if self.likelihood == "student_t":
                    out[:, sl] = student_t.logpdf(yb, self.draws["nu"][:, None], loc=mu, scale=sigma)
                else:
                    out[:, sl] = -0.5 * ((yb - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
        return out

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"terms": [t.to_dict() for t in self.terms], "link": self.link, "likelihood": self.likelihood,
                "draw_names": sorted(self.draws)}
        return meta, {f"draw__{k}": v for k, v in self.draws.items()}

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "BayesProgram":
        return cls([Term.from_dict(t) for t in meta["terms"]], meta["link"], meta["likelihood"],
                   {k: arrays[f"draw__{k}"] for k in meta["draw_names"]})


#: Poisson draws with a larger rate are drawn from its normal approximation (skewness 1 / sqrt(rate) < 3e-8):
#: numpy refuses rates above about 9.2e18 ("lam value too large"), which wide prior draws of a log-rate reach
POISSON_NORMAL_FROM = 1e15


def _poisson(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Poisson draws (float) for any rate, an infinite one (exp overflow) giving inf."""
    big = ~(rate <= POISSON_NORMAL_FROM)  # NaN-safe; inf is big
    out = rng.poisson(np.where(big, 0.0, rate)).astype(float)
    if big.any():
        r = rate[big]
        with np.errstate(invalid="ignore"):
            approx = np.maximum(np.round(r + np.sqrt(r) * rng.standard_normal(r.shape)), 0.0)
        out[big] = np.where(np.isinf(r), r, approx)
    return out


def stack_draws(idata, names: list[str]) -> dict[str, np.ndarray]:
    """Posterior arrays flattened over (chain, draw)."""
    post = idata.posterior
    out = {}
    for n in names:
        if n in post:
            arr = np.asarray(post[n])
            out[n] = arr.reshape((-1,) + arr.shape[2:])
    return out
