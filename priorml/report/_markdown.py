"""The report as Markdown (text and tables only; figures are in the HTML report)."""

from __future__ import annotations

from typing import Any, Iterable

from ._tables import (ASSUMPTION_COLUMNS, CERT_COLUMNS, SECTIONS, assumption_rows, certificate_rows, columns_of,
                      comparison_verdict, fmt, model_rows, result_rows, summary_lines)

__all__ = ["render_markdown"]


def _line(text: Any) -> str:
    """User text on one Markdown line: line breaks as spaces, '<' escaped so that no name is read as HTML."""
    return " ".join(str(text).splitlines()).replace("<", "\\<")


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else fmt(value)
    return _line(text.replace("\\", "\\\\").replace("|", "\\|"))


def _table(rows: list[dict], columns: Iterable[tuple[str, str]] | None = None) -> str:
    if not rows:
        return "_(empty)_"
    cols = list(columns) if columns is not None else [(c, c) for c in columns_of(rows)]
    cols = [(k, h) for k, h in cols if any(k in r for r in rows)]
    lines = ["| " + " | ".join(_cell(h) for _, h in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(_cell(r.get(k)) for k, _ in cols) + " |" for r in rows]
    return "\n".join(lines)


def render_markdown(report: dict) -> str:
    """The report (its ``to_dict()``) as a Markdown document."""
    p = report["provenance"]
    out = [f"# {_line(report['title'])}", "",
           f"Generated {p.get('date')} by priorml {(p.get('versions') or {}).get('priorml', '')} on {p.get('n_rows')} "
           f"training rows{' of ' + _line(p['data_file']) if p.get('data_file') else ''}. Figures are in the HTML report.", ""]
    heads = dict(SECTIONS)

    def section(sid: str, body: str) -> None:
        out.extend([f"## {heads[sid]}", "", body, ""])

    section("summary", "\n".join(f"- **{s.upper() if s in ('ok', 'fail', 'warn') else 'NOTE'}**: {_line(t)}"
                                 for s, t in summary_lines(report)))
    section("spec", "\n".join(f"{i}. {_line(s['text'])}" for i, s in enumerate(report["statements"], 1)))
    m = report["model"]
    section("model", _table(model_rows(m)))
    section("certificate", _table(certificate_rows(report["certificate"]), CERT_COLUMNS))
    perf = report.get("performance")
    section("performance", (f"{perf['n_train']} training rows, {perf['n_test']} test rows. {_line(perf.get('note', ''))}\n\n"
                            + _table(perf["rows"])) if perf else "_No held-out rows._")
    eff = report.get("effects") or {}
    lines = []
    for name, e in eff.items():
        y = [v for v in e["effect"] if v is not None]
        span = f"{fmt(min(y))} to {fmt(max(y))}" if y else "-"
        lines.append({"feature": name, "kind": e["kind"], "effect range (centred)": span, "scale": e.get("scale"),
                      "credible band": "yes" if e.get("lower") is not None else "no"})
    section("effects", _table(lines))
    comp = report.get("comparison")
    section("comparison", (_line(comparison_verdict(comp) or "") + "\n\n" + _table(result_rows(comp)))
            if comp else "_Not run._")
    lc = report.get("learning_curve")
    section("learning-curve", ((str(lc.get("summary") or "") + "\n\n") + _table(result_rows(lc))) if lc else "_Not run._")
    ass = report.get("assumptions")
    if ass:
        rows = assumption_rows(ass)
        cols = [(c, c) for c in ASSUMPTION_COLUMNS] + [(c, c) for c in columns_of(rows) if c not in ASSUMPTION_COLUMNS]
        section("assumptions", _table(rows, cols))
    else:
        section("assumptions", "_Not run._")
    diag = report.get("diagnostics")
    section("diagnostics", _table([{"diagnostic": k, "value": v} for k, v in diag.items()]) if diag
            else "_Not applicable (lattice model: no sampler)._")
    drift = report.get("drift")
    section("drift", _table(drift.get("batches") or [], [(k, k) for k in (
        "batch", "label", "n_rows", "model_loss", "baseline_loss", "p_value")] + [("test_level", "level per test")]
        + [(k, k) for k in ("alert", "reasons")]) if drift else "_Not run._")
    prov = [{"item": k, "value": v} for k, v in p.items() if k != "versions"]
    section("provenance", _table(prov) + "\n\n" + _table([{"package": k, "version": v}
                                                           for k, v in (p.get("versions") or {}).items()]))
    return "\n".join(out).rstrip() + "\n"
