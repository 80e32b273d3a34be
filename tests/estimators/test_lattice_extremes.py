"""The lattice backend at the edges: constant targets, output bounds beyond the data, repeated fits."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from priorml import LatticeRegressor
from priorml.backends.lattice.compiler import _init_range

SPEC = {"features": {"a": {"monotonic": 1}, "b": {}}}


def _data(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n)})


@pytest.mark.parametrize("model", ["linear", "lattice", "ensemble"])
def test_a_constant_target_is_predicted_after_a_few_epochs(model):
    # the initial output spanned +-0.5 target units (the scale of a constant target is 1): after 10 epochs the
    # predictions of y = 0.001 ranged from -0.15 to 0.02
    X = _data()
    y = np.full(len(X), 0.001)
    est = LatticeRegressor(SPEC, model=model, epochs=10, validation_fraction=0.0).fit(X, y)
    np.testing.assert_allclose(est.predict(X), 0.001, rtol=0, atol=1e-9)


def test_an_output_bound_beyond_most_targets_still_fits():
    # with output.min above 95 % of the targets, the initial range was reversed and the fit failed with a
    # SpecError ("'output_min' must be not greater than 'output_max'")
    X = _data()
    y = X["a"].to_numpy().copy()
    y[:3] = 5.0
    with pytest.warns(Warning):  # a DataWarning: most targets lie outside the bound
        est = LatticeRegressor({**SPEC, "output": {"min": 4.0}}, model="lattice", epochs=5,
                               validation_fraction=0.0).fit(X, y)
    assert est.predict(X).min() >= 4.0


@pytest.mark.parametrize("y, lo, hi", [
    (np.zeros(5), None, None), (np.zeros(5), 0.0, 1.0), (np.zeros(5), -1.0, 0.0), (np.zeros(5), 2.0, 3.0),
    (np.zeros(5), -3.0, -2.0), (np.linspace(-1, 1, 50), 3.0, None), (np.linspace(-1, 1, 50), None, -3.0),
    (np.linspace(-1, 1, 50), 0.5, 0.5000001), (np.r_[np.zeros(50), 5.0], None, None),
])
def test_the_initial_output_range_is_increasing_and_inside_the_bounds(y, lo, hi):
    a, b = _init_range(y, lo, hi)
    assert a < b
    assert (lo is None or a >= lo) and (hi is None or b <= hi)
    if np.ptp(y) == 0:  # flat at the constant (or at the bound next to it)
        assert b - a < 1e-12
    elif lo is None and hi is None:
        assert b - a >= 0.5 * min(1.0, np.ptp(y))


@pytest.mark.slow  # six fits in a subprocess (~18 s)
def test_repeated_fits_log_no_tensorflow_retracing_warning():
    # every fit traces its own training function by design; TensorFlow warned about "retracing" on stderr from
    # the sixth fit in a process on (a grid search), whatever verbose said. A fresh process: the warning is
    # given at most a few times per process.
    code = textwrap.dedent("""
        import warnings; warnings.simplefilter("ignore")
        import numpy as np, priorml
        X = np.random.default_rng(0).uniform(size=(40, 2)); y = X[:, 0]
        for _ in range(6):
            priorml.LatticeRegressor(model="linear", epochs=2, validation_fraction=0).fit(X, y)
        print("done")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "done" in out.stdout
    assert "retracing" not in out.stderr
