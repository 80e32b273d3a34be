"""compare and learning_curve on a real Dask cluster give exactly the local results.

Every fit is a joblib task with a seed derived from random_state and its place in the protocol,
so where and in which order the tasks run must not change a single number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import priorml

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


def _data(n: int = 60):
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "g": rng.choice(["p", "q"], n)})
    p = 1 / (1 + np.exp(-5 * (X["a"].to_numpy() - X["b"].to_numpy())))
    y = np.where(rng.uniform(size=n) < p, "yes", "no")
    return X, y


SPEC = {"task": "classification",
        "features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}, "g": {"type": "categorical"}}}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    pd.testing.assert_frame_equal(a.folds.drop(columns="fit_seconds"), b.folds.drop(columns="fit_seconds"),
                                  check_exact=True)


def test_compare_on_dask_equals_local(client):
    from distributed import get_task_stream

    X, y = _data()
    kw = dict(models=["random_forest", "linear", "hgb_monotone"], cv=3, random_state=11)
    local = priorml.compare(SPEC, X, y, n_jobs=1, **kw)
    with get_task_stream(client) as ts, joblib.parallel_backend("dask"):
        remote = priorml.compare(SPEC, X, y, **kw)
    assert len(ts.data) > 0  # the fits really ran on the cluster
    workers = {t["worker"] for t in ts.data}
    assert workers <= set(client.scheduler_info()["workers"])
    _same(local, remote)


def test_learning_curve_on_dask_equals_local(client):
    X, y = _data()
    kw = dict(sizes=(15, 1.0), models=["linear", "hgb_monotone"], cv=2, random_state=5)
    local = priorml.learning_curve(SPEC, X, y, n_jobs=1, **kw)
    with joblib.parallel_backend("dask"):
        remote = priorml.learning_curve(SPEC, X, y, **kw)
    _same(local, remote)
    pd.testing.assert_frame_equal(local.payoff, remote.payoff, check_exact=True)


@pytest.mark.slow
def test_lattice_on_dask_equals_local(client):
    X, y = _data()
    kw = dict(models=["lattice", "linear"], cv=3, random_state=0,
              lattice_params={"model": "linear", "epochs": 10, "validation_fraction": 0.0, "batch_size": 20})
    local = priorml.compare(SPEC, X, y, n_jobs=1, **kw)
    with joblib.parallel_backend("dask"):
        remote = priorml.compare(SPEC, X, y, **kw)
    _same(local, remote)
