"""The report as one self-contained HTML file.

Everything is inline: CSS in a ``<style>`` element, figures as base64 PNG
``data:`` URIs. The file references no URL at all, so it opens offline and
can be archived as it is. Every string that comes from the user (spec,
column names, evidence sentences, command line) is escaped.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any, Iterable

from . import _figures as figs
from ._tables import (ASSUMPTION_COLUMNS, CERT_COLUMNS, SECTIONS, assumption_rows, certificate_rows, columns_of,
                      comparison_verdict, fmt, lower_is_better, model_rows, records, result_rows, size_key,
                      summary_lines)

__all__ = ["render_html"]

CSS = """
:root { --blue: #1f5fa8; --ok: #2e7d32; --fail: #c0392b; --warn: #b26a00; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1d1d1d; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 16px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 22px; }
nav a, a { color: var(--blue); text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13.5px; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.PASS, .supported, .ok { color: var(--ok); font-weight: 600; }
.FAIL, .contradicted, .fail { color: var(--fail); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.no-evidence, .info { color: var(--muted); font-weight: 600; }
ul.summary { list-style: none; padding: 0; }
ul.summary li { margin: 6px 0; padding: 8px 12px; border-left: 5px solid var(--line); background: #f7f8fa; }
ul.summary li.ok { border-color: var(--ok); } ul.summary li.fail { border-color: var(--fail); }
ul.summary li.warn { border-color: var(--warn); } ul.summary li.info { border-color: var(--blue); }
ul.summary li span { font-weight: normal; color: #1d1d1d; }
ol.spec li { margin: 4px 0; }
.kind { display: inline-block; min-width: 86px; font-size: 12px; color: var(--muted); text-transform: uppercase; }
pre { background: #f4f4f4; padding: 10px 12px; overflow-x: auto; font-size: 12.5px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(470px, 1fr)); gap: 18px; }
figure { margin: 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 13px; color: #333; margin-top: 4px; }
.note { color: var(--muted); font-size: 13.5px; }
code { background: #f4f4f4; padding: 0 3px; }
td.evidence { min-width: 420px; font-size: 12.5px; }
details { margin: 6px 0 12px; } details summary { cursor: pointer; color: var(--blue); }
"""


def _e(value: Any) -> str:
    return escape(fmt(value) if not isinstance(value, str) else value)


def _table(rows: list[dict], columns: Iterable[tuple[str, str]] | None = None, *, klass: dict[str, Any] | None = None) -> str:
    """An HTML table of records; ``columns`` is ``(key, heading)`` pairs (default: every key)."""
    if not rows:
        return '<p class="note">(empty)</p>'
    cols = list(columns) if columns is not None else [(c, c) for c in columns_of(rows)]
    cols = [(k, h) for k, h in cols if any(k in r for r in rows)]
    head = "".join(f"<th>{escape(h)}</th>" for _, h in cols)
    body = []
    for r in rows:
        cells = []
        for k, _ in cols:
            v = r.get(k)
            cls = []
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cls.append("num")
            if klass and k in klass:
                cls.append(str(klass[k](v)))
            attr = f' class="{escape(" ".join(cls))}"' if cls else ""
            cells.append(f"<td{attr}>{_e(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(fig: Any, alt: str) -> str:
    uri = figs.png_data_uri(fig)
    return f'<img src="{uri}" alt="{escape(alt)}">'


def _note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


# ---------------------------------------------------------------------- sections
def _summary(r: dict) -> str:
    items = "".join(f'<li class="{s}">{escape(s.upper() if s in ("ok", "fail", "warn") else "note")}: '
                    f"<span>{escape(t)}</span></li>" for s, t in summary_lines(r))
    return f'<ul class="summary">{items}</ul>'


def _spec(r: dict) -> str:
    items = "".join(f'<li><span class="kind">{escape(s["kind"])}</span> {escape(s["text"])}</li>' for s in r["statements"])
    import yaml

    text = yaml.safe_dump(r["spec"], sort_keys=False, default_flow_style=None, allow_unicode=True)
    return (f'<ol class="spec">{items}</ol><details><summary>The spec as written (YAML)</summary>'
            f"<pre>{escape(text)}</pre></details>")


def _model(r: dict) -> str:
    return _table(model_rows(r["model"]), [("setting", "setting"), ("value", "value")])


def _certificate(r: dict) -> str:
    cert = r["certificate"]
    rows = certificate_rows(cert)
    verdict = ("all constraints hold" if all(x.get("passed") for x in cert.get("rows", []))
               else "SOME CONSTRAINTS ARE VIOLATED")
    intro = (f"{cert.get('model')} ({cert.get('backend')} backend), probed on {cert.get('n_rows')} rows of the "
             f"training data: {verdict}. Each constraint is checked on the model's predictions by sweeping the "
             "features it concerns over their observed range with the other features taken from real rows; "
             "'projection' means the training keeps the parameters feasible after every step, 'construction' "
             "that the model cannot express a violation.")
    return _note(intro) + _table(rows, CERT_COLUMNS, klass={"passed": lambda v: v})


def _performance(r: dict) -> str:
    perf = r.get("performance")
    if not perf:
        return _note("No held-out rows were given (use --test or --test-size).")
    text = (f"{perf['n_train']} training rows, {perf['n_test']} test rows. {perf.get('note', '')}")
    return _note(text) + _table(perf["rows"])


def _effects(r: dict) -> str:
    effects = r.get("effects") or {}
    unc = ((r.get("assumptions") or {}).get("effects")) or {}
    by_feature: dict[str, list[tuple[str, str]]] = {}
    for s in r["statements"]:
        # the exact names (a name may hold ',', '|' or '>'); a report saved before they were kept: parse the label
        names = s.get("names")
        if names is None:
            names = [f.strip() for f in str(s.get("features", "")).replace("|", ",").replace(">", ",").split(",")]
        for f in dict.fromkeys(names):
            by_feature.setdefault(f, []).append((s["kind"], s["text"]))
    parts = []
    bayes = r["model"].get("backend") == "bayes"
    for name, entry in effects.items():
        ue = unc.get(name)
        ue = {"x": [p.get("x") for p in records(ue)], "effect": [p.get("effect") for p in records(ue)],
              "lower": [p.get("lower") for p in records(ue)], "upper": [p.get("upper") for p in records(ue)]} if ue else None
        if ue is not None and (entry["kind"] != "numeric" or not ue["x"] or
                               not all(isinstance(v, (int, float)) for v in ue["x"])):
            ue = None
        fig = figs.effect_figure(name, entry, ue)
        said = by_feature.get(name, [])
        caption = " ".join(t for k, t in said if k != "free")
        if not any(k not in ("free", "missing", "prior") for k, _ in said):  # no shape, order or pairwise constraint
            caption = ("No constraint: learned freely. " + caption).strip()
        parts.append(f'<figure id="effect-{escape(name)}">{_img(fig, "effect of " + name)}'
                     f"<figcaption>{escape(caption)}</figcaption></figure>")
    first = next(iter(effects.values()), {})
    method = (r["model"].get("params") or {}).get("method")
    if not bayes:
        how = "Partial dependence of the prediction on each feature (average over up to 200 training rows)"
    else:
        what = ("each feature's additive term" if first.get("curve", "additive term") == "additive term" else
                "the partial dependence of the prediction on each feature (average over up to 50 training rows, "
                "draw by draw)")
        if first.get("lower") is None:
            how = f"Estimate of {what} at the single point of the fit (method={method!r}: no credible band)"
        else:
            how = f"Posterior mean of {what} with its 90% credible band"
            if method not in (None, "nuts"):
                how += f" (approximate: method={method!r} is not MCMC)"
    intro = (f"{how}, centred to mean zero over the data. Grey points are partial residuals "
             "(target minus prediction plus the feature's effect): where the curve misses them, the data disagree "
             "with the fitted shape. Ticks at the bottom show where the data lie.")
    if unc:
        intro += " The dashed orange curve is the unconstrained estimate from the assumption checks, with its bootstrap band."
    if effects and next(iter(effects.values())).get("partial_residual") is None:
        intro = f"{how}, on the log-odds scale, centred to mean zero over the data. Ticks show where the data lie."
    return _note(intro) + f'<div class="grid">{"".join(parts)}</div>'


def _comparison(r: dict) -> str:
    comp = r.get("comparison")
    if not comp:
        return _note("Not run (priorml compare SPEC DATA --save FILE.json, then report --comparison FILE.json).")
    rows = result_rows(comp)
    metric = comp.get("primary_metric")
    out = [_protocol(comp)]
    verdict = comparison_verdict(comp)
    if verdict:
        out.append(f"<p>{escape(verdict)}</p>")
    if rows and metric:
        out.append(_img(figs.comparison_figure(rows, metric, lower_is_better(metric, comp)), "comparison of models"))
    if metric:
        others = [c[:-5] for c in columns_of(rows) if c.endswith("_mean") and c[:-5] != metric][:2]
        keys = ["model", "kind", f"{metric}_mean", f"{metric}_sd"] + [f"{o}_mean" for o in others] + [
            "diff_vs_best_baseline", "diff_ci_low", "diff_ci_high", "verdict"]
        out.append(_table(rows, [(k, k.replace("_", " ")) for k in keys],
                          klass={"verdict": lambda v: {"better": "ok", "worse": "fail"}.get(v, "")}))
    out.append(_details("All metrics", _table(rows)))
    out += [_note("Note: " + str(n)) for n in comp.get("notes") or []]
    return "".join(out)


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{body}</details>"


def _protocol(result: dict) -> str:
    proto = result.get("protocol")
    if isinstance(proto, dict):
        proto = proto.get("description") or fmt(proto)
    return _note(f"Protocol: {proto}") if proto else ""


def _learning_curve(r: dict) -> str:
    lc = r.get("learning_curve")
    if not lc:
        return _note("Not run (priorml report --learning-curve; it refits every model at several training sizes).")
    rows = result_rows(lc)
    metric = lc.get("primary_metric")
    key = size_key(rows)
    out = [_protocol(lc)]
    if lc.get("summary"):
        out.append("".join(f"<p>{escape(line)}</p>" for line in str(lc["summary"]).splitlines() if line.strip()))
    if rows and metric and key:
        out.append(_img(figs.learning_curve_figure(rows, metric, key), "learning curve"))
    out.append(_table(rows))
    return "".join(out)


def _assumptions(r: dict) -> str:
    ass = r.get("assumptions")
    if not ass:
        return _note("Not run (priorml check SPEC DATA --save FILE.json, then report --assumptions FILE.json).")
    rows = assumption_rows(ass)
    alpha = ass.get("alpha")
    intro = ("Each constraint is tested against the data with an unconstrained fit. The p-value is that of a test "
             "whose null hypothesis is \u201cthe constraint holds\u201d: a small p-value means the data contradict "
             "it. 'cost' is the cross-validated loss increase from imposing the constraint (relative).")
    if alpha is not None:
        intro += f" Level alpha = {fmt(alpha)}."
    shown = list(ASSUMPTION_COLUMNS) + (["p_support"] if "p_support" in columns_of(rows) else [])
    cols = [(c, c.replace("_", " ")) for c in shown]
    return (_note(intro) + _table(rows, cols, klass={"verdict": lambda v: str(v).replace(" ", "-"),
                                                     "evidence": lambda v: "evidence"})
            + _details("All columns", _table(rows)))


def _diagnostics(r: dict) -> str:
    d = r.get("diagnostics")
    if not d:
        return _note("Not applicable: the lattice model is trained by gradient descent (no sampler). "
                     f"Epochs used: {r['model'].get('epochs', '-')}.")
    rows = [{"diagnostic": k, "value": v} for k, v in d.items() if k != "problems"]
    problems = d.get("problems") or []
    text = ("Problems: " + " ".join(map(str, problems))) if problems else "No sampler problem found."
    return f'<p class="{"warn" if problems else "ok"}">{escape(text)}</p>' + _table(rows)


def _drift(r: dict) -> str:
    d = r.get("drift")
    if not d:
        return _note("Not run (priorml drift MODEL_DIR DATA --time COLUMN --save FILE.json, then report --drift "
                     "FILE.json; or report --time COLUMN).")
    batches = d.get("batches") or []
    out = []
    if d.get("guarantee"):
        out.append(_note(str(d["guarantee"])))
    if batches:
        out.append(_img(figs.drift_figure(batches, d.get("loss", "loss")), "drift history"))
    out.append(_note("p value: the loss test's; each test of a batch (the loss test and every constraint test) is "
                     "run at the level per test, the batch's level alpha_k split over its tests, and the batch "
                     "raises an alert when a p value is at or below it."))
    cols = [(k, k.replace("_", " ")) for k in ("batch", "label", "n_rows", "model_loss", "baseline_loss", "p_value")]
    cols += [("test_level", "level per test"), ("n_tests", "tests"), ("level", "batch level alpha_k")]
    cols += [(k, k) for k in ("alert", "reasons", "contradicted")]
    out.append(_table(batches, cols, klass={"alert": lambda v: "fail" if v else "ok"}))
    return "".join(out)


def _provenance(r: dict) -> str:
    p = r["provenance"]
    rows = [{"item": k.replace("_", " "), "value": v} for k, v in p.items() if k != "versions"]
    vers = [{"package": k, "version": v} for k, v in (p.get("versions") or {}).items()]
    return _table(rows, [("item", "item"), ("value", "value")]) + "<h3>Versions</h3>" + _table(vers)


RENDER = {"summary": _summary, "spec": _spec, "model": _model, "certificate": _certificate,
          "performance": _performance, "effects": _effects, "comparison": _comparison,
          "learning-curve": _learning_curve, "assumptions": _assumptions, "diagnostics": _diagnostics,
          "drift": _drift, "provenance": _provenance}


def render_html(report: dict) -> str:
    """The report (its ``to_dict()``) as a self-contained HTML document."""
    title = escape(report["title"])
    p = report["provenance"]
    toc = "".join(f'<li><a href="#{sid}">{escape(head)}</a></li>' for sid, head in SECTIONS)
    body = []
    for sid, head in SECTIONS:
        body.append(f'<section id="{sid}"><h2>{escape(head)}</h2>{RENDER[sid](report)}</section>')
    meta = json.dumps({"generator": "priorml", "version": (p.get("versions") or {}).get("priorml")})
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="{escape(meta)}"><title>{title}</title><style>{CSS}</style></head>'
        f"<body><main><header><h1>{title}</h1>"
        f'<p class="sub">Generated {escape(str(p.get("date")))} by priorml '
        f'{escape(str((p.get("versions") or {}).get("priorml", "")))} on {escape(str(p.get("n_rows")))} training rows'
        f'{" of " + escape(str(p["data_file"])) if p.get("data_file") else ""}.</p>'
        f"<nav><strong>Contents</strong><ol>{toc}</ol></nav></header>"
        + "".join(body) + "</main></body></html>\n"
    )
