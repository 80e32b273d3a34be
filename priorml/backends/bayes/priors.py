"""Priors of the Bayesian backend, each recorded with its origin.

* ``user``: from the spec's ``priors`` block, in the user's units, never
  rescaled (with ``likelihood="lognormal"``, translated to log units to first
  order, and noted as such: a noise scale at the geometric mean of the target,
  an effect at the mean prediction ``exp(intercept + sigma^2 / 2)``, in each
  draw). An effect range with a probability becomes a distribution that
  puts exactly that probability in the range (solved in closed form):
  a log-normal symmetric in log space for a magnitude bounded away from 0, a
  half-normal when the range starts at 0, a normal for a signed effect.
* ``scaled``: weakly informative, stated in units of the standardised target
  and feature range (so they adapt to the data's scale).
* ``default``: fixed structural choices (smoothness, mode location).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from scipy.stats import norm


@dataclass
class PriorRecord:
    parameter: str
    feature: str | None
    distribution: str
    params: dict[str, float]
    origin: str  # user | scaled | default
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _z(prob: float) -> float:
    return float(norm.ppf((1.0 + prob) / 2.0))


def elicit_magnitude(lo: float, hi: float, prob: float) -> tuple[str, dict[str, float]]:
    """Distribution of a positive quantity with ``P(lo <= R <= hi) = prob`` (0 <= lo < hi)."""
    if lo <= 0:
        return "HalfNormal", {"sigma": hi / _z(prob)}
    mu = (math.log(lo) + math.log(hi)) / 2
    sigma = (math.log(hi) - math.log(lo)) / (2 * _z(prob))
    return "LogNormal", {"mu": mu, "sigma": sigma}


def elicit_signed(lo: float, hi: float, prob: float) -> tuple[str, dict[str, float]]:
    """Normal with ``P(lo <= R <= hi) = prob``."""
    return "Normal", {"mu": (lo + hi) / 2, "sigma": (hi - lo) / (2 * _z(prob))}


def mass_in_range(distribution: str, params: dict[str, float], lo: float, hi: float) -> float:
    """Probability that a draw of the distribution lies in [lo, hi] (for checks and reports)."""
    from scipy import stats

    if distribution == "Normal":
        d = stats.norm(params["mu"], params["sigma"])
    elif distribution == "LogNormal":
        d = stats.lognorm(s=params["sigma"], scale=math.exp(params["mu"]))
    elif distribution == "HalfNormal":
        d = stats.halfnorm(scale=params["sigma"])
    else:
        raise ValueError(distribution)
    return float(d.cdf(hi) - d.cdf(lo))
