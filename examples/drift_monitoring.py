"""Drift monitoring walk-through: a domain assumption that stops being true.

A price model says demand falls with price. Mid-stream a promotion scheme makes
demand rise with price in the displayed range. The monitor compares the model with
an unconstrained baseline refit on recent batches and re-checks the declared
constraints on every window; it raises an alert with a stated false-alarm
guarantee, and its state survives a restart.

Run: python examples/drift_monitoring.py
"""

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import priorml

rng = np.random.default_rng(0)
spec = priorml.Spec.from_dict({
    "target": "demand",
    "features": {"price": {"monotonic": "decreasing"}, "season": {}},
})


def batch(n, flipped):
    price = rng.uniform(1, 10, n)
    season = rng.uniform(0, 1, n)
    slope = 1.5 if flipped else -1.5
    demand = 30 + slope * price + 4 * np.sin(2 * np.pi * season) + rng.normal(0, 2, n)
    return pd.DataFrame({"price": price, "season": season}), demand


X0, y0 = batch(600, flipped=False)
model = priorml.LatticeRegressor(spec, model="lattice", random_state=0).fit(X0, y0)

out = Path(os.environ.get("PRIORML_EXAMPLE_OUT") or tempfile.mkdtemp())
state = out / "drift_state.json"
monitor = priorml.DriftMonitor(spec, model, state_path=state)
print(monitor.guarantee)

for k in range(1, 11):
    if k == 6:  # a restart: the monitor resumes from its saved state
        monitor = priorml.DriftMonitor.load(state, model)
        print(f"resumed from {state.name} after {monitor.n_batches} batches")
    Xb, yb = batch(150, flipped=k >= 7)
    status = monitor.update(Xb, yb, label=f"week {k}")
    print(f"week {k:2d}: {'ALERT' if status.alert else 'ok'}")
    for reason in status.reasons:
        print("    -", reason[:120] + ("..." if len(reason) > 120 else ""))

history = monitor.history
print(history[["label", "model_loss", "baseline_loss", "p_value", "alert"]].round(4).to_string(index=False))
first = history.loc[history["alert"], "label"]
print("first alert:", first.iloc[0] if len(first) else "none")
