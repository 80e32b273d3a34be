"""Reading the report's plain data as tables, and the verdicts both renderers state.

Shared by the HTML and Markdown renderers, so that the two formats say the
same thing in the same order.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["assumption_rows", "records", "result_rows", "fmt", "columns_of", "SECTIONS", "summary_lines", "size_key", "lower_is_better",
           "certificate_rows", "model_rows", "CERT_COLUMNS", "ASSUMPTION_COLUMNS"]

#: (id, heading) of every section, in order; each is always present (with a note when it was not run)
SECTIONS = (
    ("summary", "Summary"),
    ("spec", "What the model is required to do"),
    ("model", "Model"),
    ("certificate", "Certificate: every constraint checked on the predictions"),
    ("performance", "Held-out performance"),
    ("effects", "Learned effects and the data behind them"),
    ("comparison", "Constrained model vs unconstrained baselines"),
    ("learning-curve", "Learning curve"),
    ("assumptions", "Are the constraints supported by the data?"),
    ("diagnostics", "Sampler diagnostics"),
    ("drift", "Drift history"),
    ("provenance", "Provenance"),
)

CERT_COLUMNS = (("constraint", "constraint"), ("features", "features"), ("statement", "statement"),
                ("enforcement", "enforcement"), ("probes", "probes"),
                ("effect", "effect (how far the prediction moves along it)"), ("max_violation", "max violation"),
                ("tolerance", "tolerance"), ("draws_share", "posterior draws satisfying it"), ("passed", "result"))

ASSUMPTION_COLUMNS = ("feature", "constraint", "verdict", "evidence", "p_value", "cost")

_LOSSES = ("rmse", "mae", "mse", "log_loss", "brier", "loss")


def records(table: Any) -> list[dict]:
    """A table given as records, a dict of columns, a pandas ``to_dict()`` or a DataFrame, as records."""
    if table is None:
        return []
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        return table.to_dict(orient="records")
    if isinstance(table, list):
        return [dict(r) for r in table if isinstance(r, dict)]
    if isinstance(table, dict) and table:
        cols = list(table)
        first = table[cols[0]]
        if isinstance(first, dict):  # pandas orient="dict": {column: {index: value}}
            keys = list(first)
            return [{c: table[c].get(k) for c in cols} for k in keys]
        if isinstance(first, list):
            return [{c: table[c][i] for c in cols} for i in range(len(first))]
    return []


def columns_of(rows: list[dict]) -> list[str]:
    """Every key of the records, in first-seen order."""
    out: dict[str, None] = {}
    for r in rows:
        out.update(dict.fromkeys(r))
    return list(out)


def fmt(value: Any) -> str:
    """Readable text of a table cell: 4 significant digits, ``-`` for missing."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if value == 0:
            return "0"
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
            return f"{value:.3g}"
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    return str(value)


def lower_is_better(metric: str | None, result: dict | None = None) -> bool:
    """Whether smaller values of ``metric`` are better (the result's own ``lower_is_better`` when it says)."""
    if result is not None and isinstance(result.get("lower_is_better"), bool):
        return result["lower_is_better"]
    return metric is None or any(metric.lower().startswith(m) for m in _LOSSES)


def result_rows(result: dict | None) -> list[dict]:
    """The main table of an audit result's ``to_dict()`` (``table`` or ``rows``), as records."""
    if not result:
        return []
    return records(result.get("table") if result.get("table") is not None else result.get("rows"))


def size_key(rows: list[dict]) -> str | None:
    """The column of a learning-curve table that holds the training size."""
    cols = columns_of(rows)
    for key in ("n_train", "train_size", "size", "n"):
        if key in cols:
            return key
    return None


def assumption_rows(result: dict) -> list[dict]:
    """The assumption table with the relative cost as a signed percentage."""
    out = []
    for r in result_rows(result):
        r = dict(r)
        c = r.get("cost")
        if isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c):
            r["cost"] = f"{100 * c:+.1f}%"
        out.append(r)
    return out


def model_rows(m: dict) -> list[dict]:
    """The model section's ``setting, value`` rows: what was fitted, then the estimator's parameters."""
    params = m.get("params") or {}
    rows = [{"setting": "estimator", "value": m.get("estimator")}, {"setting": "backend", "value": m.get("backend")},
            {"setting": "training rows", "value": m.get("n_train")}]
    if "model_type" in m:
        vf = params.get("validation_fraction")
        stopped = "chosen by early stopping" if not isinstance(vf, (int, float)) or vf > 0 else "no early stopping"
        rows += [{"setting": "lattice model type", "value": m["model_type"]},
                 {"setting": f"epochs used ({stopped})", "value": m.get("epochs")}]
    if "likelihood used" in m:
        rows.append({"setting": "likelihood used", "value": m["likelihood used"]})
    return rows + [{"setting": k, "value": v} for k, v in params.items()]


def certificate_rows(cert: dict) -> list[dict]:
    bayes = any(r.get("draws_share") is not None for r in cert.get("rows", []))
    out = []
    for r in cert.get("rows", []):
        row = {k: r.get(k) for k, _ in CERT_COLUMNS if k != "draws_share" or bayes}
        if bayes and r.get("draws_share") is not None:
            row["draws_share"] = f"{100 * r['draws_share']:.1f}%"
        if r.get("effect") is not None:
            row["effect"] = f"{r['effect']:.3g}" + (" (none: the constraint holds trivially)" if r.get("vacuous") else "")
        row["passed"] = "PASS" if r.get("passed") else "FAIL"
        out.append(row)
    return out


def comparison_verdict(comparison: dict) -> str | None:
    """One sentence on the constrained models against the best baseline, from the comparison's table."""
    rows = result_rows(comparison)
    metric = comparison.get("primary_metric")
    best = comparison.get("best_baseline")
    if not rows or metric is None:
        return None
    low_better = lower_is_better(metric, comparison)
    parts = []
    for r in rows:
        if r.get("kind") != "constrained":
            continue
        d, lo, hi = r.get("diff_vs_best_baseline"), r.get("diff_ci_low"), r.get("diff_ci_high")
        if d is None or lo is None or hi is None:
            continue
        verdict = r.get("verdict")
        if verdict in ("better", "worse"):
            worse, better = verdict == "worse", verdict == "better"
        else:
            worse = lo > 0 if low_better else hi < 0
            better = hi < 0 if low_better else lo > 0
        word = ("worse than" if worse else "better than" if better else "not distinguishable from")
        conf = comparison.get("confidence")
        level = f"{100 * conf:g}% " if isinstance(conf, (int, float)) and not isinstance(conf, bool) else ""
        parts.append(f"{r.get('model')} is {word} the best baseline ({best}) on {metric}: difference "
                     f"{fmt(d)}, {level}interval [{fmt(lo)}, {fmt(hi)}]")
    return "; ".join(parts) + "." if parts else None


def summary_lines(report: dict) -> list[tuple[str, str]]:
    """``(status, sentence)`` pairs for the summary: status is ``ok``, ``warn``, ``fail`` or ``info``."""
    out: list[tuple[str, str]] = []
    cert = report.get("certificate") or {}
    rows = cert.get("rows", [])
    failed = [r for r in rows if not r.get("passed")]
    if not rows:
        out.append(("info", "The spec declares no checkable constraint."))
    elif failed:
        out.append(("fail", f"Certificate: {len(failed)} of {len(rows)} constraints violated on the model's "
                            f"predictions ({', '.join(str(r.get('constraint')) + ' ' + str(r.get('features')) for r in failed)})."))
    else:
        out.append(("ok", f"Certificate: all {len(rows)} declared constraints hold on the model's predictions "
                          f"(probed on {cert.get('n_rows')} rows)."))
    prov = report.get("provenance") or {}
    if prov.get("training_data_check") == "different":
        out.append(("warn", f"Training rows: {prov.get('training_data_note')}."))
    elif prov.get("training_data_check") == "unknown":
        out.append(("info", f"Training rows: {prov.get('training_data_note')}."))
    vacuous = [r for r in rows if r.get("vacuous") and r.get("passed")]
    if vacuous:
        names = ", ".join(dict.fromkeys(f"{r.get('constraint')} {r.get('features')}" for r in vacuous))
        out.append(("warn", f"Certificate: {len(vacuous)} of the constraints that hold do so only trivially, because "
                            f"the prediction does not move along the feature(s) they concern ({names}): they say "
                            "nothing about the shape of an effect the model did not learn."))
    perf = report.get("performance")
    if perf:
        metric = perf.get("primary_metric")
        prow = perf.get("rows", [])
        if prow:
            mine = prow[0].get(metric)
            others = [(r.get("model"), r.get(metric)) for r in prow[1:] if r.get(metric) is not None]
            text = f"Held-out {metric} on {perf.get('n_test')} test rows: {fmt(mine)}"
            if others:
                text += " (" + ", ".join(f"{m} {fmt(v)}" for m, v in others) + ")"
            out.append(("info", text + "."))
    comp = report.get("comparison")
    if comp:
        verdict = comparison_verdict(comp)
        if verdict:
            out.append(("warn" if " worse than " in verdict else "ok", "Cross-validated comparison: " + verdict))
    ass = report.get("assumptions")
    if ass:
        arows = result_rows(ass)
        bad = [r for r in arows if r.get("verdict") == "contradicted"]
        sup = [r for r in arows if r.get("verdict") == "supported"]
        if bad:
            out.append(("fail", f"Assumption checks: {len(bad)} constraint(s) contradicted by the data ("
                                + ", ".join(f"{r.get('feature')}: {r.get('constraint')}" for r in bad) + ")."))
        elif arows:
            out.append(("ok", f"Assumption checks: none of {len(arows)} constraints contradicted by the data "
                              f"({len(sup)} supported, {len(arows) - len(sup)} without evidence either way)."))
    diag = report.get("diagnostics")
    if diag:
        problems = diag.get("problems") or []
        if problems:
            out.append(("warn", "Sampler diagnostics: " + " ".join(str(p) for p in problems)))
        elif diag.get("note"):
            out.append(("info", "Sampler: " + str(diag["note"])))
        else:
            out.append(("ok", "Sampler diagnostics: no problem (r-hat, effective sample size, divergences, BFMI)."))
    drift = report.get("drift")
    if drift:
        batches = drift.get("batches") or []
        alerts = [b for b in batches if b.get("alert")]
        out.append(("warn" if alerts else "ok", f"Drift monitor: {len(alerts)} alert(s) over {len(batches)} batch(es)"
                    + (f", first at batch {alerts[0].get('label') or alerts[0].get('batch')}." if alerts else ".")))
    return out
