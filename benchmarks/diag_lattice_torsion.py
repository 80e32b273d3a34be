"""Would a penalty on interactions help the Auto MPG lattice?  CV on the training rows only.

TensorFlow Lattice's "torsion" regulariser penalises the lattice's interaction terms (the mixed
second differences of its vertex values), pulling the model towards an additive one where the data
are few, such as the corners of the lattice that the two worst test cars of the published split
reach (benchmarks/RESULTS.md, "two test cars"). This diagnostic scores ``model="lattice"`` with an
L2 torsion penalty of each given weight by K-fold CV on the 314 training rows of the published
split (the folds and seeds of ``run_published_splits.py``). No test row is read. The estimators do
not expose the penalty; the script adds it to the lattice layer that priorml builds.

Run: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/diag_lattice_torsion.py [--weights 0 0.001 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_published_splits as R  # noqa: E402

from priorml.backends.lattice import compiler  # noqa: E402


def with_torsion(weight: float) -> None:
    """Make the lattice layers that priorml builds carry an L2 torsion penalty of ``weight``."""
    tf, tf_keras, tfl = compiler._tf()
    base = getattr(tfl.layers, "_priorml_unpenalised_lattice", tfl.layers.Lattice)
    tfl.layers._priorml_unpenalised_lattice = base

    class Penalised(base):
        def __init__(self, *args, **kwargs):
            if weight > 0 and str(kwargs.get("name", "")).startswith("lattice_"):
                kwargs["kernel_regularizer"] = ("torsion", 0.0, weight)
            super().__init__(*args, **kwargs)

    tfl.layers.Lattice = Penalised


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.001, 0.01, 0.1, 1.0])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--out", default=str(R.ROOT / "results" / "diag_lattice_torsion.json"))
    args = ap.parse_args(argv)
    spec, Xtr, ytr, _, _, _ = R.load("auto_mpg")  # the test rows are not used
    out = {"command": " ".join(sys.argv), "machine": R.machine(), "runs": []}
    for w in args.weights:
        with_torsion(w)
        scores = []
        for seed in range(args.seeds):
            res = R.cv_config(spec, Xtr, ytr, R.folds(spec, Xtr, ytr, args.folds, seed),
                              {"model": "lattice", "learning_rate": 0.01}, seed)
            scores.append(res["score"])
            out["runs"].append({"weight": w, "seed": seed, "fold_mse": res.get("fold_scores"),
                                "fold_epochs": res.get("fold_epochs"), "cv_mse": res["score"]})
        R.log(f"torsion {w:g}: CV MSE per seed {[round(s, 3) for s in scores]}, mean {np.mean(scores):.3f}")
        Path(args.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
