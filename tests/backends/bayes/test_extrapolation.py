"""Beyond its keypoints a feature's input is clipped (guide, section 2, "Where the guarantees hold"):
every posterior (here prior) draw keeps the value it has at the nearest end, so monotonicity holds for
any input, and a convex effect is flat there."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_helpers import prior_model


def test_every_draw_is_constant_beyond_the_keypoints():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 80), "b": rng.uniform(0, 1, 80)})
    y = 2 * X["a"] ** 2 + X["b"] + rng.normal(0, 0.1, 80)
    spec = {"features": {"a": {"monotonic": "increasing", "shape": "convex"}, "b": {"monotonic": "decreasing"}}}
    model = prior_model(spec, X, y, draws=50)
    kp = model.schema_["a"].keypoints
    rows = X.iloc[:5]
    for end, beyond in ((kp[0], kp[0] - 5.0), (kp[-1], kp[-1] + 5.0)):
        np.testing.assert_allclose(model.predict_draws(rows.assign(a=beyond)), model.predict_draws(rows.assign(a=end)))
    rise = model.predict_draws(rows.assign(a=kp[-1])) - model.predict_draws(rows.assign(a=kp[0]))
    assert np.all(rise >= 0) and np.mean(rise > 1e-3) > 0.9  # increasing, and not flat inside the range
