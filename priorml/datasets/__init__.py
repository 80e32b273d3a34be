"""Small real datasets bundled with priorml, with their published benchmark splits.

========================  ==========================================================
:func:`load_auto_mpg`     UCI Auto MPG (398 cars; 392 with known horsepower)
:func:`load_heart`        Cleveland heart disease, 303-row TensorFlow-tutorial version
:func:`load_split`        published train/test row numbers for either dataset
:func:`spec_path`         path of a bundled constraint spec (``specs/{name}.yaml``)
========================  ==========================================================

Provenance, licences (CC BY 4.0) and every transformation applied are recorded
in ``priorml/datasets/data/PROVENANCE.md``. Importing this module needs only
numpy and pandas.
"""

from __future__ import annotations

from ._loaders import load_auto_mpg, load_heart, load_split, spec_path

__all__ = ["load_auto_mpg", "load_heart", "load_split", "spec_path"]
