"""Small real datasets bundled with priorml, with fixed train/test splits and ready-made specs.

============================  ==========================================================
:func:`load_auto_mpg`         UCI Auto MPG (398 cars; 392 with known horsepower)
:func:`load_heart`            Cleveland heart disease, 303-row TensorFlow-tutorial version
:func:`load_diabetes`         diabetes progression (Efron et al. 2004; 442 patients)
:func:`load_breast_cancer`    Wisconsin Diagnostic Breast Cancer (569 aspirates)
:func:`load_abalone`          UCI Abalone (4,177 abalone; age in shell rings)
:func:`load_seattle_weather`  daily weather in Seattle 2012-2015 (NOAA; 1,461 days)
:func:`load`                  any of the above by name; :func:`names` lists them
:func:`load_split`            fixed train/test row numbers of each dataset
:func:`spec_path`             path of a bundled constraint spec (``specs/{name}.yaml``)
============================  ==========================================================

Provenance, licences and every transformation applied are recorded in
``priorml/datasets/data/PROVENANCE.md``. Importing this module needs only
numpy and pandas.
"""

from __future__ import annotations

from ._loaders import (load, load_abalone, load_auto_mpg, load_breast_cancer, load_diabetes, load_heart,
                       load_seattle_weather, load_split, names, spec_path)

__all__ = ["load", "load_abalone", "load_auto_mpg", "load_breast_cancer", "load_diabetes", "load_heart",
           "load_seattle_weather", "load_split", "names", "spec_path"]
