"""Backends: compilers from a spec to a modelling framework, registered by name.

Each backend is imported lazily, so ``import priorml`` never imports
TensorFlow or PyMC. An unknown or missing backend fails with the list of what
is available and how to install it.
"""

from __future__ import annotations

import importlib

from ..errors import BackendUnavailableError

#: name -> (module, frameworks it needs, pip install hint)
REGISTRY: dict[str, tuple[str, tuple[str, ...], str]] = {
    "lattice": ("priorml.backends.lattice", ("tensorflow", "tf_keras", "tensorflow_lattice"),
                "pip install 'tensorflow==2.21.*' 'tf-keras==2.21.*' tensorflow-lattice==2.1.1"),
    "bayes": ("priorml.backends.bayes", ("pymc", "arviz"), "pip install 'pymc>=5.25,<6' 'arviz<1'"),
}


def available() -> dict[str, bool]:
    """Which backends can be imported here (without importing them)."""
    import importlib.util

    return {name: all(importlib.util.find_spec(m) is not None for m in mods)
            for name, (_, mods, _) in REGISTRY.items()}


def get_backend(name: str):
    """Import and return a backend module by name."""
    if name not in REGISTRY:
        raise BackendUnavailableError(f"Unknown backend {name!r}; available backends: {sorted(REGISTRY)}.")
    module, mods, hint = REGISTRY[name]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendUnavailableError(f"The {name!r} backend cannot be imported ({exc}). Install it with: {hint}") from exc
