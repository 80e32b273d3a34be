"""Figures of the report, drawn from its plain data and embedded as base64 PNG.

Figures are built on :class:`matplotlib.figure.Figure` with the Agg canvas
directly, never through ``pyplot``, so the global matplotlib backend of the
caller (a notebook, a GUI) is left untouched.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Sequence

import numpy as np

__all__ = ["png_data_uri", "effect_figure", "comparison_figure", "learning_curve_figure", "drift_figure"]

BLUE, ORANGE, GREY, RED, GREEN = "#1f5fa8", "#d9822b", "#8a8a8a", "#c0392b", "#2e8b57"


def _figure(width: float = 5.2, height: float = 3.4):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def png_data_uri(fig: Any, dpi: int = 100) -> str:
    """A ``data:image/png;base64,...`` URI of a matplotlib figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _floats(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def effect_figure(name: str, entry: dict, unconstrained: dict | None = None):
    """One feature's learned effect with the data behind it.

    Parameters
    ----------
    name : str
        Feature name.
    entry : dict
        From :func:`priorml.report._effects.feature_effects`.
    unconstrained : dict or None
        The assumption check's unconstrained estimate of the same effect
        (``x``, ``effect``, ``lower``, ``upper`` lists), drawn for contrast.
    """
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    scale = entry.get("scale", "prediction")
    effect = _floats(entry["effect"])
    lower = _floats(entry["lower"]) if entry.get("lower") is not None else None
    upper = _floats(entry["upper"]) if entry.get("upper") is not None else None
    pr = _floats(entry["partial_residual"]) if entry.get("partial_residual") is not None else None
    if entry["kind"] == "numeric":
        x = _floats(entry["x"])
        dx = _floats(entry["data_x"])
        if pr is not None:
            ax.scatter(dx, pr, s=9, color=GREY, alpha=0.45, lw=0, label="partial residuals (data)")
        if unconstrained is not None:
            ux, ue = _floats(unconstrained["x"]), _floats(unconstrained["effect"])
            shift = _align(x, effect, ux, ue)
            if unconstrained.get("lower") is not None and unconstrained.get("upper") is not None:
                ax.fill_between(ux, _floats(unconstrained["lower"]) - shift, _floats(unconstrained["upper"]) - shift,
                                color=ORANGE, alpha=0.15, lw=0)
            ax.plot(ux, ue - shift, color=ORANGE, lw=1.3, ls="--", label="unconstrained estimate (assumption check)")
        if lower is not None and upper is not None:
            ax.fill_between(x, lower, upper, color=BLUE, alpha=0.22, lw=0, label="credible band")
        ax.plot(x, effect, color=BLUE, lw=2.2, label="learned effect")
        lo, hi = ax.get_ylim()
        ax.plot(dx[np.isfinite(dx)], np.full(np.isfinite(dx).sum(), lo), "|", color="k", alpha=0.35, ms=8)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(name)
    else:
        cats = [str(c) for c in entry["x"]]
        pos = np.arange(len(cats))
        if pr is not None:
            text = np.array([str(v) for v in entry["data_x"]])
            rng = np.random.default_rng(0)
            for i, c in enumerate(cats):
                vals = pr[text == c]
                ax.scatter(i + rng.uniform(-0.18, 0.18, len(vals)), vals, s=9, color=GREY, alpha=0.45, lw=0,
                           label="partial residuals (data)" if i == 0 else None)
        if lower is not None and upper is not None:
            ax.vlines(pos, lower, upper, color=BLUE, lw=4, alpha=0.35, label="credible band")
        ax.plot(pos, effect, "o", color=BLUE, ms=8, label="learned effect")
        counts = entry.get("counts") or [None] * len(cats)
        ax.set_xticks(pos, [f"{c}\n(n={n})" if n is not None else c for c, n in zip(cats, counts)])
        ax.set_xlabel(name)
    ax.axhline(0, color="k", lw=0.6, alpha=0.5)
    ax.set_ylabel(f"effect on {scale} (centred)")
    ax.legend(fontsize=7, loc="best", frameon=False)
    ax.set_title(name, fontsize=11)
    fig.tight_layout()
    return fig


def _align(x: np.ndarray, effect: np.ndarray, ux: np.ndarray, ue: np.ndarray) -> float:
    """Constant that puts the unconstrained curve on the same centring as the learned one."""
    ok = np.isfinite(ux) & np.isfinite(ue)
    if not ok.any():
        return 0.0
    mine = np.interp(ux[ok], x, effect)
    return float(np.mean(ue[ok] - mine))


def comparison_figure(rows: list[dict], metric: str, lower_is_better: bool = True):
    """Mean and spread of the primary metric across folds, one line per model."""
    fig = _figure(5.6, 0.5 + 0.45 * max(len(rows), 2))
    ax = fig.add_subplot(1, 1, 1)
    colors = {"constrained": BLUE, "baseline": GREY, "peer": ORANGE}
    names = [str(r.get("model")) for r in rows]
    mean = _floats([r.get(f"{metric}_mean") for r in rows])
    sd = _floats([r.get(f"{metric}_sd") for r in rows])
    pos = np.arange(len(rows))[::-1]
    for p, m, s, r in zip(pos, mean, sd, rows):
        c = colors.get(r.get("kind"), GREY)
        ax.errorbar(m, p, xerr=None if np.isnan(s) else s, fmt="o", color=c, capsize=3, ms=6)
    ax.set_yticks(pos, [f"{n} ({r.get('kind', '')})" for n, r in zip(names, rows)])
    ax.set_xlabel(f"{metric} across folds (mean \u00b1 sd; {'lower' if lower_is_better else 'higher'} is better)")
    fig.tight_layout()
    return fig


def learning_curve_figure(rows: list[dict], metric: str, size_key: str):
    """The primary metric against the training size, one line per model."""
    fig = _figure(5.6, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    models = list(dict.fromkeys(str(r.get("model")) for r in rows))
    for i, m in enumerate(models):
        rs = sorted([r for r in rows if str(r.get("model")) == m], key=lambda r: float(r.get(size_key) or 0))
        n = _floats([r.get(size_key) for r in rs])
        mean = _floats([r.get(f"{metric}_mean", r.get(metric)) for r in rs])
        sd = _floats([r.get(f"{metric}_sd") for r in rs]) if any(f"{metric}_sd" in r for r in rs) else None
        kind = rs[0].get("kind") if rs else None
        style = {"color": BLUE if kind == "constrained" else None, "lw": 2.2 if kind == "constrained" else 1.3}
        line, = ax.plot(n, mean, "o-", label=m, **{k: v for k, v in style.items() if v is not None})
        if sd is not None and np.isfinite(sd).any():
            ax.fill_between(n, mean - sd, mean + sd, color=line.get_color(), alpha=0.12, lw=0)
    ax.set_xlabel("training rows")
    ax.set_ylabel(metric)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def drift_figure(batches: list[dict], loss: str):
    """Model and baseline loss per batch; alerts shaded in red."""
    fig = _figure(5.6, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    pos = np.arange(1, len(batches) + 1)
    ax.plot(pos, _floats([b.get("model_loss") for b in batches]), "o-", color=BLUE, label="model")
    ax.plot(pos, _floats([b.get("baseline_loss") for b in batches]), "s--", color=GREY,
            label="baseline refit on recent batches")
    for p, b in zip(pos, batches):
        if b.get("alert"):
            ax.axvspan(p - 0.5, p + 0.5, color=RED, alpha=0.15, lw=0)
    labels = [str(b.get("label") if b.get("label") is not None else b.get("batch")) for b in batches]
    ax.set_xticks(pos, labels, rotation=45 if max((len(t) for t in labels), default=0) > 4 else 0, fontsize=8)
    ax.set_xlabel("batch")
    ax.set_ylabel(f"mean {loss}")
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
