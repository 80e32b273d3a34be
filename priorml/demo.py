"""The main job (``make demo`` / ``python -m priorml.demo``).

On the bundled Auto MPG data and its published train/test split: fit the
constrained lattice model from the ready-made spec, print its test error next
to an unconstrained random forest, and print the certificate of every
declared constraint; then fit the same spec as a Bayesian model and show its
test error, interval coverage and one effect curve with its credible band.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m priorml.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-bayes", action="store_true", help="skip the Bayesian fit")
    args = parser.parse_args(argv)

    import priorml
    from priorml import datasets

    spec = priorml.Spec.from_yaml(datasets.spec_path("auto_mpg"))
    df = datasets.load_auto_mpg()
    train, test = datasets.load_split("auto_mpg")
    X, y = df[list(spec.feature_names)], df[spec.target].to_numpy()
    Xtr, ytr, Xte, yte = X.loc[train], df.loc[train, spec.target].to_numpy(), X.loc[test], df.loc[test, spec.target].to_numpy()
    print(f"priorml {priorml.__version__} demo: Auto MPG (UCI), published split {len(Xtr)} train / {len(Xte)} test rows")
    print("\nSpec (priorml/datasets/specs/auto_mpg.yaml):")
    print("  " + spec.to_yaml().replace("\n", "\n  ").rstrip())

    t0 = time.perf_counter()
    model = priorml.LatticeRegressor(spec, random_state=args.seed).fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    mse = float(np.mean((model.predict(Xte) - yte) ** 2))

    from sklearn.ensemble import RandomForestRegressor

    Xtr_rf = Xtr.fillna(Xtr.median(numeric_only=True))
    Xte_rf = Xte.fillna(Xtr.median(numeric_only=True))
    rf = RandomForestRegressor(n_estimators=500, random_state=args.seed, n_jobs=-1).fit(Xtr_rf, ytr)
    rf_mse = float(np.mean((rf.predict(Xte_rf) - yte) ** 2))

    print(f"\nTest MSE (78 rows, touched once):")
    print(f"  priorml LatticeRegressor ({model.model_type_}, {model.n_epochs_} epochs, fit {fit_s:.1f}s): {mse:6.2f}")
    print(f"  unconstrained random forest (500 trees):              {rf_mse:6.2f}")
    print("  (published, chosen on the test set: COMET 8.81, CMNN 8.37, LMN 7.58; see benchmarks/RESULTS.md)")

    cert = priorml.certify(model, Xtr)
    print()
    print(cert)
    ok = cert.passed
    if not args.no_bayes:
        ok = _bayes(priorml, spec, Xtr, ytr, Xte, yte, args.seed) and ok
    return 0 if ok else 1


def _bayes(priorml, spec, Xtr, ytr, Xte, yte, seed: int) -> bool:
    """The same spec compiled into a PyMC model: error, interval coverage, one effect with its band."""
    print("\nBayesian fit of the same spec (PyMC, NUTS via nutpie when installed; priors from the spec):")
    t0 = time.perf_counter()
    model = priorml.BayesianRegressor(spec, draws=500, tune=500, chains=2, random_state=seed, progressbar=False)
    model.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    pred = model.predict(Xte)
    lo, hi = model.predict_interval(Xte, prob=0.9).T
    d = model.diagnostics_
    print(f"  fit {fit_s:.0f}s with {d.get('sampler')}; r_hat max {d.get('r_hat_max', float('nan')):.3f}, "
          f"min bulk ESS {d.get('ess_bulk_min', float('nan')):.0f}, divergences {d.get('divergences', 0)}")
    print(f"  test MSE {np.mean((pred - yte) ** 2):.2f}; 90% predictive interval coverage on the test rows "
          f"{np.mean((yte >= lo) & (yte <= hi)):.2f} (mean width {np.mean(hi - lo):.1f} mpg)")
    curve = model.shape_functions(grid=8)["weight"]
    print("  effect of weight on mpg (centred), posterior mean and 90% band:")
    for _, r in curve.iloc[np.linspace(0, len(curve) - 1, 8).round().astype(int)].iterrows():
        print(f"    weight {r.x:7.0f}: {r['mean']:+6.2f}  [{r.lower:+6.2f}, {r.upper:+6.2f}]")
    cert = priorml.certify(model, Xtr)
    print()
    print(cert)
    return cert.passed


if __name__ == "__main__":
    sys.exit(main())
