"""A Bayesian fit with elicited priors, intervals and an effect curve with its band.

Prints the test MSE and 90 % interval coverage on the published split, the two user priors
from the bundled spec (weight, model_year) as the model's prior table lists them, the weight
effect with its band, and the certificate. Sampling is kept short (2 chains x (500 tuning +
500 kept draws)) so that the example runs in about a minute; with the bundled spec's three
convex effects the sampler then warns (r_hat a little above 1.01, an effective sample size
below 200, a few divergent transitions). For real use keep the estimator's defaults (4 chains x (1000 + 1000)) and, if
it still warns, raise ``target_accept`` (``make demo`` uses 0.95).

Run: python examples/bayes_elicited_priors.py
"""

import numpy as np

import priorml
from priorml import datasets

spec = priorml.Spec.from_yaml(datasets.spec_path("auto_mpg"))  # priors: weight, model_year
df = datasets.load_auto_mpg()
train, test = datasets.load_split("auto_mpg")
X, y = df[list(spec.feature_names)], df[spec.target]

model = priorml.BayesianRegressor(spec, draws=500, tune=500, chains=2, random_state=0, progressbar=False)
model.fit(X.loc[train], y.loc[train])
pred = model.predict(X.loc[test])
lo, hi = model.predict_interval(X.loc[test], prob=0.9).T
print(f"test MSE {np.mean((pred - y.loc[test]) ** 2):.2f}, "
      f"90% interval coverage {np.mean((y.loc[test] >= lo) & (y.loc[test] <= hi)):.2f}")
for row in model.prior_table_:
    if row["origin"] == "user":
        # each on the size of the change, |change| (the note says so and on which scale)
        print(f"user prior on {row['feature']} ({row['parameter']}): {row['distribution']} {row['params']}; "
              f"{row['note']}")
print(model.shape_functions(grid=8)["weight"].round(2))
print(priorml.certify(model, X.loc[train]))
