"""The main job (``make demo`` / ``python -m priorml.demo``).

On the bundled Auto MPG data and its published train/test split: fit the
constrained lattice model from the ready-made spec, print its test error next
to an unconstrained random forest, and print the certificate of every
declared constraint.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m priorml.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
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
    return 0 if cert.passed else 1


if __name__ == "__main__":
    sys.exit(main())
