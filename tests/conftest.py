"""Shared fixtures: fast estimator settings and small data sets.

Every test file also runs alone; nothing here is autouse. The data sets are
session-scoped: tests must not modify them (copy first).
"""

from __future__ import annotations

import os
from types import MappingProxyType

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import pytest

#: Estimator settings that keep a fit on <= 200 rows around a second:
#: no internal validation split (so no second training run), few epochs.
FAST = {"epochs": 20, "validation_fraction": 0.0, "learning_rate": 0.05, "random_state": 0}

#: For tests that only need to reach the data checks (they run before training).
CHECK_ONLY = {"epochs": 2, "validation_fraction": 0.0}


@pytest.fixture
def fast() -> dict:
    """A fresh copy of :data:`FAST` (tests may add keys)."""
    return dict(FAST)


@pytest.fixture(scope="session")
def fast_settings() -> MappingProxyType:
    """:data:`FAST`, read-only, for module-scoped fixtures (fit once, used by several tests)."""
    return MappingProxyType(FAST)


@pytest.fixture
def check_only() -> dict:
    """A fresh copy of :data:`CHECK_ONLY`."""
    return dict(CHECK_ONLY)


@pytest.fixture(scope="session")
def monotone_data() -> tuple[pd.DataFrame, np.ndarray]:
    """160 rows, y = 3 a - 2 b + c^2 + small noise; a increasing, b decreasing, c free."""
    rng = np.random.default_rng(0)
    n = 160  # auto batch = n // 16 = 10 rows: every batch is full, so Keras traces its train step once
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(-1, 1, n)})
    y = 3 * X["a"].to_numpy() - 2 * X["b"].to_numpy() + X["c"].to_numpy() ** 2 + rng.normal(0, 0.05, n)
    return X, y


@pytest.fixture
def monotone_spec() -> dict:
    return {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "c": {}}}


@pytest.fixture(scope="session")
def binary_data() -> tuple[pd.DataFrame, np.ndarray]:
    """160 rows, label 1 when 2 a - b + noise > 0.5 (increasing in a, decreasing in b)."""
    rng = np.random.default_rng(1)
    n = 160  # auto batch = n // 16 = 10 rows: every batch is full, so Keras traces its train step once
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(-1, 1, n)})
    logit = 6 * (2 * X["a"].to_numpy() - X["b"].to_numpy() - 0.5)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y
