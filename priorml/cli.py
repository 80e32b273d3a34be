"""The ``priorml`` command: fit, predict, certify, compare, check, drift, report, demo.

Every command reads a YAML spec (whose ``target`` names the target column)
or a saved model directory, and a CSV or Parquet data file::

    priorml fit SPEC DATA -o MODEL_DIR [--backend lattice|bayes]
    priorml predict MODEL_DIR DATA -o OUT.csv
    priorml certify MODEL_DIR DATA [--fail-on-violation]
    priorml compare SPEC DATA [--cv 5] [--fail-on-violation]
    priorml check SPEC DATA [--fail-on-violation]
    priorml drift MODEL_DIR DATA --time COLUMN [--fail-on-violation]
    priorml report SPEC DATA -o REPORT.html [--format html|markdown|json]
    priorml demo

Exit status: 0 when the command ran; 1 when a check failed and
``--fail-on-violation`` was given (certify: a constraint is violated; check:
an assumption is contradicted; drift: an alert was raised; compare: a
constrained model is worse than the best baseline beyond its confidence
interval); 2 for bad usage or bad input (the message names the file, the
column and the row; no traceback).

Progress goes to stderr (``--quiet`` silences it, and the frameworks' logs);
results go to stdout, as text or, with ``--json``, as one JSON document.
Rows are numbered as in the file: CSV rows by their line number (the header
is line 1), Parquet rows from 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .errors import first_line as _first_line

__all__ = ["main", "build_parser", "read_data", "CLIError"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")


class CLIError(Exception):
    """Bad usage or bad input found by the command line; printed without a traceback, exit status 2."""


# ---------------------------------------------------------------------- output helpers
class _Console:
    """Where messages go: results to stdout, progress and notes to stderr."""

    def __init__(self, quiet: bool, as_json: bool):
        self.quiet = quiet
        self.as_json = as_json

    @property
    def progress(self) -> bool:
        """Progress bars (tqdm, samplers) only on a terminal: in logs they would print a line per update."""
        return not self.quiet and sys.stderr.isatty()

    def result(self, text: str) -> None:
        """Human-readable result (suppressed with ``--json``, which prints the document instead)."""
        if not self.as_json:
            print(text, file=sys.stdout, flush=True)

    def document(self, obj: Any) -> None:
        """The machine-readable result (only with ``--json``)."""
        if self.as_json:
            print(json.dumps(_jsonable(obj), indent=2, allow_nan=False), file=sys.stdout, flush=True)

    def note(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def stage(self, desc: str) -> Iterator[None]:
        """Show ``desc`` with a running clock on stderr while the block runs (stdout is kept clean)."""
        t0 = time.perf_counter()
        if self.quiet:
            with contextlib.redirect_stdout(sys.stderr):
                yield
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=None, desc=desc, bar_format="{desc} [{elapsed}]", file=sys.stderr, leave=True)
            stop = threading.Event()

            def tick() -> None:
                while not stop.wait(0.5):
                    bar.refresh()

            ticker = threading.Thread(target=tick, daemon=True)
            ticker.start()
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    yield
            finally:
                stop.set()
                ticker.join()
                bar.set_description_str(f"{desc}: done")
                bar.close()
        else:
            print(f"{desc} ...", file=sys.stderr, flush=True)
            with contextlib.redirect_stdout(sys.stderr):
                yield
            print(f"{desc}: done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)


def _jsonable(obj: Any) -> Any:
    """Plain JSON data: numpy scalars and arrays unwrapped, NaN and inf as None."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "to_dict") and callable(obj.to_dict) and not isinstance(obj, type):
        try:
            return _jsonable(obj.to_dict(orient="records")) if hasattr(obj, "columns") else _jsonable(obj.to_dict())
        except TypeError:
            return _jsonable(obj.to_dict())
    if hasattr(obj, "tolist") and not isinstance(obj, (str, bytes)):
        return _jsonable(obj.tolist())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    if isinstance(obj, Path):
        return str(obj)
    return str(obj)


# ---------------------------------------------------------------------- input
def read_data(path: str | os.PathLike, spec: Any = None) -> Any:
    """Read a CSV or Parquet file into a DataFrame whose index numbers the rows as in the file.

    CSV rows are indexed by their line number (the header is line 1, so the
    first data row is line 2); Parquet rows are numbered from 1. Entirely
    empty lines are skipped (their numbers are kept for the others).

    Parameters
    ----------
    path : str or path-like
        ``*.parquet`` / ``*.pq`` files are read as Parquet, anything else as CSV.
    spec : Spec or None
        In a CSV file, a cell of a categorical feature of ``spec`` whose text is one of the
        feature's categories (``categories`` or ``order``) is kept as that text: otherwise
        ``01`` would be read as the number 1, and ``None`` or ``NA`` as a missing value.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    CLIError
        When the file is missing, empty, not valid CSV/Parquet or not UTF-8 text.
    """
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise CLIError(f"data file {str(p)!r} not found. Check the path and the working directory.")
    if p.is_dir():
        raise CLIError(f"data file {str(p)!r} is a directory; expected a CSV or Parquet file.")
    if p.suffix.lower() in PARQUET_SUFFIXES:
        try:
            df = pd.read_parquet(p)
        except Exception as exc:  # pyarrow raises many types for damaged files
            raise CLIError(f"cannot read {str(p)!r} as Parquet: {type(exc).__name__}: {_first_line(exc)}") from None
        df = df.reset_index(drop=True)
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    else:
        try:
            df = pd.read_csv(p, skip_blank_lines=False)
        except pd.errors.EmptyDataError:
            raise CLIError(f"data file {str(p)!r} is empty; expected a CSV file with a header line.") from None
        except pd.errors.ParserError as exc:
            raise CLIError(f"cannot read {str(p)!r} as CSV: {_first_line(exc)} (line numbers count the header as line 1). "
                           "Check the separators and quotes on that line.") from None
        except UnicodeDecodeError as exc:
            raise CLIError(f"cannot read {str(p)!r}: it is not UTF-8 text ({exc.reason} at byte {exc.start}). "
                           "Save it as UTF-8 CSV, or as Parquet.") from None
        _check_header(p)
        df.index = pd.RangeIndex(2, len(df) + 2, name="line")
        df = _declared_categories_as_text(p, df, spec)
        df = df[~df.isna().all(axis=1)] if len(df.columns) else df
    if len(df.columns) == 0 or len(df) == 0:
        raise CLIError(f"data file {str(p)!r} has no data rows.")
    df.columns = [str(c) for c in df.columns]
    return df


def _check_header(path: Path) -> None:
    """Refuse a CSV header that names a column twice: pandas would rename the second one ``name.1`` silently,
    and the model would read whichever copy keeps the name."""
    import csv
    from collections import Counter

    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh), [])
    twice = [name for name, k in Counter(header).items() if k > 1 and name.strip()]
    if twice:
        raise CLIError(f"data file {str(path)!r}: the header names column(s) {', '.join(map(repr, twice))} more than "
                       "once (line 1); expected unique column names, otherwise it is unclear which column is meant. "
                       "Rename or drop the duplicate columns.")


def _input_as_text(path: str, df: Any) -> Any:
    """The rows of ``df`` (read from the CSV file ``path`` by :func:`read_data`) as the text of the file's cells,
    so that a file written from them keeps what pandas would re-read differently (``007``, ``NA``, dates)."""
    import pandas as pd

    raw = pd.read_csv(path, skip_blank_lines=False, dtype=str, keep_default_na=False)
    raw.index = pd.RangeIndex(2, len(raw) + 2, name="line")
    raw.columns = [str(c) for c in raw.columns]
    return raw.loc[df.index]


def _declared_categories_as_text(path: Path, df: Any, spec: Any) -> Any:
    """The cells of ``spec``'s categorical columns that spell a declared category, as that text
    (see :func:`read_data`); ``df`` is the CSV as pandas parsed it, indexed by line."""
    import pandas as pd

    from .spec import CategoricalFeature

    known = {}
    for f in getattr(spec, "features", ()):
        if isinstance(f, CategoricalFeature) and f.name in df.columns:
            labels = {str(c) for c in (f.categories or ())} | {str(c) for chain in f.order for c in chain}
            if labels:
                known[f.name] = labels
    if not known:
        return df
    raw = pd.read_csv(path, skip_blank_lines=False, dtype=str, keep_default_na=False, usecols=list(known))
    raw.index = df.index
    df = df.copy()
    for name, labels in known.items():
        text = raw[name]
        keep = text.isin(labels).to_numpy()
        if keep.any():
            col = df[name].astype(object)
            col[keep] = text[keep]
            df[name] = col
    return df


def _rows_word(path: str) -> str:
    return ("rows are numbered as lines of the file, the header being line 1" if Path(path).suffix.lower()
            not in PARQUET_SUFFIXES else "rows are numbered from 1")


def _load_spec(path: str):
    from .errors import SpecError
    from .spec import Spec

    p = Path(path)
    if not p.exists():
        raise CLIError(f"spec file {path!r} not found. Check the path and the working directory.")
    if p.is_dir():
        raise CLIError(f"spec file {path!r} is a directory; expected a YAML (or JSON) spec file.")
    try:
        return Spec.from_json(p) if p.suffix.lower() == ".json" else Spec.from_yaml(p)
    except SpecError as exc:
        raise CLIError(f"invalid spec {path!r}:\n{exc}") from None
    except UnicodeDecodeError:
        raise CLIError(f"spec file {path!r} is not UTF-8 text; expected a YAML spec.") from None


def _load_model(path: str):
    from .errors import ModelFormatError
    from .persistence import load

    try:
        return load(path)
    except ModelFormatError as exc:
        raise CLIError(f"cannot load the model {path!r}: {exc}") from None


def _model_and_features(args: argparse.Namespace) -> tuple[Any, Any]:
    """The saved model of ``args.model_dir`` and the rows of ``args.data``, which must hold its features."""
    model = _load_model(args.model_dir)
    df = read_data(args.data, model.spec_)
    _check_columns(df, model.spec_, args.data, target=False)
    return model, df


def _check_columns(df: Any, spec: Any, path: str, *, target: bool) -> None:
    """Every feature column (and the target when needed) must be in the file."""
    from .errors import did_you_mean

    cols = list(df.columns)
    problems = []
    need = list(spec.feature_names)
    if target:
        if spec.target is None:
            raise CLIError("the spec has no 'target:' key, so the target column is unknown. "
                           "Add 'target: <column>' to the spec.")
        need.append(spec.target)
    for name in need:
        if name not in cols:
            role = "the spec's target" if target and name == spec.target else "a feature of the spec"
            problems.append(f"  - column {name!r} ({role}) is missing.{did_you_mean(name, cols)}")
    if problems:
        shown = ", ".join(cols[:20]) + (" ..." if len(cols) > 20 else "")
        raise CLIError(f"data file {path!r} lacks {len(problems)} column(s):\n" + "\n".join(problems)
                       + f"\n  Columns present: {shown}.")


def _target(df: Any, spec: Any, path: str) -> Any:
    """The target column, checked: numbers for regression, labels for classification, none missing."""
    import numpy as np
    import pandas as pd

    col = df[spec.target]
    name, where = spec.target, _rows_word(path)
    missing = col.isna().to_numpy()
    if missing.any():
        rows = list(col.index[missing][:5])
        raise CLIError(f"{path!r}, column {name!r} (the target): missing value at row {rows[0]}"
                       f"{' (also ' + ', '.join(map(str, rows[1:])) + ')' if len(rows) > 1 else ''}; "
                       f"{int(missing.sum())} missing in all ({where}). Fill or drop these rows.")
    if spec.task == "regression":
        values = pd.to_numeric(col, errors="coerce")
        bad = values.isna().to_numpy() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            i = int(np.argmax(bad))
            raise CLIError(f"{path!r}, column {name!r} (the target): expected numbers for a regression target; "
                           f"got {col.iloc[i]!r} at row {col.index[i]} ({int(bad.sum())} such value(s); {where}). "
                           "Clean the column, or set 'task: classification' in the spec for a label.")
        return values.to_numpy(dtype=float)
    return col.to_numpy()


@contextlib.contextmanager
def _about(path: str) -> Iterator[None]:
    """Name the data file (and how its rows are numbered) in data errors raised inside the block."""
    from .errors import DataError

    try:
        yield
    except DataError as exc:
        raise CLIError(f"bad data in {path!r} ({_rows_word(path)}):\n{exc}") from None


# ---------------------------------------------------------------------- output files
def _write_file(path: str | os.PathLike, what: str, write: Callable[[Path], None]) -> None:
    """Write a result file through ``write(tmp_path)``: to a temporary file next to it, renamed into place once
    complete, so an error or a full disk never leaves a half-written file (nor destroys the one there before).

    A path that exists and is not a regular file (``/dev/stdout``, a named pipe) is written in place."""
    p = Path(path)
    if p.is_dir():
        raise CLIError(f"{what} {str(p)!r} is a directory; expected a file path. Add a file name, e.g. "
                       f"{str(p / ('out' + (p.suffix or '')))!r}.")
    try:
        if p.exists() and not p.is_file():
            write(p)
            return
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            mode = p.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        os.close(fd)
        try:
            write(Path(tmp))
            os.chmod(tmp, mode)
            os.replace(tmp, p)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise CLIError(f"cannot write the {what} {str(p)!r}: {exc.strerror or _first_line(exc)}. Check the path, "
                       "its permissions and the free disk space.") from None


# ---------------------------------------------------------------------- estimators
def _lattice_params(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if getattr(args, "model", None):
        out["model"] = args.model
    if getattr(args, "epochs", None):
        out["epochs"] = args.epochs
    return out


def _bayes_params(args: argparse.Namespace, progress: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"progressbar": progress}
    for key in ("draws", "tune", "chains", "target_accept"):
        if getattr(args, key, None):
            out[key] = getattr(args, key)
    return out


def make_estimator(spec: Any, backend: str, args: argparse.Namespace, progress: bool) -> Any:
    """The priorml estimator for ``spec`` and ``backend``, with the command-line settings."""
    clf = spec.task == "classification"
    if backend == "bayes":
        from .estimators.bayes import BayesianClassifier, BayesianRegressor

        return (BayesianClassifier if clf else BayesianRegressor)(spec, random_state=args.random_state,
                                                                  **_bayes_params(args, progress))
    from .estimators.lattice import LatticeClassifier, LatticeRegressor

    return (LatticeClassifier if clf else LatticeRegressor)(spec, random_state=args.random_state, **_lattice_params(args))


def _read_xy(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    spec = _load_spec(args.spec)
    df = read_data(args.data, spec)
    _check_columns(df, spec, args.data, target=True)
    y = _target(df, spec, args.data)
    return spec, df, y


# ---------------------------------------------------------------------- commands
def cmd_fit(args: argparse.Namespace, con: _Console) -> int:
    spec, X, y = _read_xy(args)
    est = make_estimator(spec, args.backend, args, progress=con.progress)
    t0 = time.perf_counter()
    with _about(args.data), con.stage(f"Fitting {type(est).__name__} on {len(X)} rows of {args.data}"):
        est.fit(X, y)
    seconds = time.perf_counter() - t0
    est.save(args.output)
    info: dict[str, Any] = {"model_dir": str(args.output), "estimator": type(est).__name__, "backend": args.backend,
                            "n_rows": int(len(X)), "fit_seconds": round(seconds, 2), "target": spec.target}
    if args.backend == "lattice":
        info.update(model_type=est.model_type_, epochs=int(est.n_epochs_))
        detail = f"{est.model_type_} model, {est.n_epochs_} epochs"
    else:
        info["diagnostics"] = dict(est.diagnostics_)
        d = est.diagnostics_
        detail = (f"{d.get('sampler')}, r_hat max {d.get('r_hat_max', float('nan')):.3f}, "
                  f"divergences {d.get('divergences', 0)}")
    info["model_sha256"] = est.fingerprint()
    info["training_data_sha256"] = est.training_data_["sha256"]
    con.result(f"Fitted {type(est).__name__} ({detail}) on {len(X)} rows in {seconds:.1f} s; saved to {args.output} "
               f"(fingerprint {info['model_sha256'][:16]}...)")
    con.document(info)
    return EXIT_OK


def _prediction_columns(model: Any, X: Any, interval: float | None, random_state: int = 0) -> dict[str, Any]:
    import numpy as np

    out: dict[str, Any] = {}
    pred = model.predict(X)
    out["prediction"] = pred
    if hasattr(model, "classes_"):
        out[f"probability_{model.classes_[1]}"] = model.predict_proba(X)[:, 1]
    elif interval is not None and hasattr(model, "predict_interval"):
        lo, hi = np.asarray(model.predict_interval(X, prob=interval, random_state=random_state)).T
        out["lower"], out["upper"] = lo, hi
    return out


def cmd_predict(args: argparse.Namespace, con: _Console) -> int:
    model, df = _model_and_features(args)
    if args.interval is not None and (hasattr(model, "classes_") or not hasattr(model, "predict_interval")):
        raise CLIError(f"--interval {args.interval:g}: the model {args.model_dir!r} is a {type(model).__name__}, which "
                       "gives no predictive intervals; expected a Bayesian regression model (BayesianRegressor). "
                       "Fit one with 'priorml fit SPEC DATA -o MODEL_DIR --backend bayes', or drop --interval.")
    with _about(args.data), con.stage(f"Predicting {len(df)} rows of {args.data}"):
        cols = _prediction_columns(model, df, args.interval, args.random_state)
    to_parquet = Path(args.output).suffix.lower() in PARQUET_SUFFIXES
    # CSV to CSV: the input columns as written in the file (pandas' reading would turn '007' into 7, 'NA' into '')
    out = df.copy() if to_parquet or Path(args.data).suffix.lower() in PARQUET_SUFFIXES \
        else _input_as_text(args.data, df)
    written = []
    for name, values in cols.items():
        key = name
        while key in out.columns:
            key = "predicted_" + key
        out[key] = values
        written.append(key)
    if to_parquet:
        _write_file(args.output, "output file", lambda p: out.reset_index(drop=True).to_parquet(p, index=False))
    else:
        _write_file(args.output, "output file", lambda p: out.to_csv(p, index=False))
    con.result(f"Wrote {len(out)} predictions ({', '.join(written)}) to {args.output}")
    con.document({"output": str(args.output), "n_rows": int(len(out)), "columns": written})
    return EXIT_OK


def cmd_certify(args: argparse.Namespace, con: _Console) -> int:
    from .audit.certify import certify

    model, df = _model_and_features(args)
    with _about(args.data), con.stage(f"Certifying {type(model).__name__} on {args.data}"):
        cert = certify(model, df, n_rows=args.n_rows, random_state=args.random_state)
    doc = cert.to_dict()
    lines, mismatch = [], False
    if args.fingerprint is not None:  # the model must be the one signed off (a prefix is enough)
        doc["fingerprint_expected"] = args.fingerprint
        doc["fingerprint_matches"] = bool(cert.model_sha256 and cert.model_sha256.startswith(args.fingerprint))
        if not doc["fingerprint_matches"]:
            mismatch = True
            lines.append(f"FINGERPRINT MISMATCH: expected a model whose fingerprint starts with {args.fingerprint}; "
                         f"{args.model_dir} has {cert.model_sha256}: it is not the model that was signed off.")
    if args.training_rows:  # DATA must be the rows the model was fitted on
        with _about(args.data):
            same, line = _training_rows_check(model, df, args)
        doc["training_data_matches"] = same
        mismatch = mismatch or not same
        lines.append(line)
    con.result("\n".join([str(cert)] + lines))
    con.document(doc)
    if mismatch:
        return EXIT_FAILED
    return EXIT_FAILED if args.fail_on_violation and not cert.passed else EXIT_OK


def _training_rows_check(model: Any, df: Any, args: argparse.Namespace) -> tuple[bool, str]:
    """Whether the rows of DATA (features and target) are those the saved model was fitted on, from the
    digest it records (``training_data_``), with the line that says so."""
    record = getattr(model, "training_data_", None)
    if record is None:
        raise CLIError(f"{args.model_dir} records no digest of its training rows (saved by an earlier priorml), so "
                       "--training-rows cannot be checked; fit and save the model again.")
    _check_columns(df, model.spec_, args.data, target=True)
    y = _target(df, model.spec_, args.data)
    if model.fitted_on(df, y):
        return True, (f"Training rows: {args.data} holds exactly the {record['n_rows']} rows {args.model_dir} was "
                      "fitted on.")
    return False, (f"TRAINING DATA MISMATCH: {args.model_dir} was fitted on {record['n_rows']} rows with SHA-256 "
                   f"{record['sha256'][:16]}...; the {len(df)} rows of {args.data} are not those rows "
                   "(other values, rows or order).")


def _hex_digest(value: str) -> str:
    v = value.strip().lower()
    if len(v) < 8 or len(v) > 64 or any(c not in "0123456789abcdef" for c in v):
        raise argparse.ArgumentTypeError(f"expected a SHA-256 fingerprint (hex), or its first 8 or more digits; "
                                         f"got {value!r}")
    return v


def _cv(value: str) -> int | str:
    if value.lower() == "loo":
        return "loo"
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer number of folds >= 2 or 'loo'; got {value!r}") from None
    if k < 2:
        raise argparse.ArgumentTypeError(f"expected at least 2 folds; got {k}")
    return k


def run_compare(spec: Any, X: Any, y: Any, args: argparse.Namespace, progress: bool) -> Any:
    """``priorml.compare`` with the command-line settings."""
    from .audit.compare import compare

    models = [m.strip() for m in args.models.split(",") if m.strip()] if getattr(args, "models", None) else None
    return compare(spec, X, y, models=models, cv=args.cv, n_jobs=args.n_jobs, random_state=args.random_state,
                   progress=progress, lattice_params=_lattice_params(args) or None,
                   bayes_params={k: v for k, v in _bayes_params(args, False).items() if k != "progressbar"} or None)


def compare_failures(comparison: Any) -> list[str]:
    """Constrained models worse than the best baseline beyond the confidence interval of the difference.

    Reads the comparison's ``verdict`` column ("worse": the interval of
    "model minus best baseline" on the primary metric lies entirely on the
    worse side of 0).
    """
    table = comparison.table
    if "kind" not in table.columns or "verdict" not in table.columns:
        return []
    out = []
    for _, row in table[(table["kind"] == "constrained") & (table["verdict"] == "worse")].iterrows():
        out.append(f"{row['model']} is worse than the best baseline ({comparison.best_baseline}) on "
                   f"{comparison.primary_metric}: difference {row['diff_vs_best_baseline']:.4g}, interval "
                   f"[{row['diff_ci_low']:.4g}, {row['diff_ci_high']:.4g}] excludes 0")
    return out


def _audit_data(args: argparse.Namespace, con: _Console, doing: str, runner: Any) -> Any:
    """Read the spec and data, run ``runner`` (compare or check) on them, save and show the result."""
    spec, X, y = _read_xy(args)
    with _about(args.data), con.stage(f"{doing} on {len(X)} rows of {args.data}"):
        result = runner(spec, X, y, args, progress=con.progress)
    _save_json(args.save, result)
    con.result(str(result))
    con.document(result.to_dict())
    return result


def cmd_compare(args: argparse.Namespace, con: _Console) -> int:
    result = _audit_data(args, con, "Comparing models", run_compare)
    failures = compare_failures(result)
    for f in failures:
        con.note(f"FAIL {f}")
    return EXIT_FAILED if args.fail_on_violation and failures else EXIT_OK


def run_check(spec: Any, X: Any, y: Any, args: argparse.Namespace, progress: bool) -> Any:
    """``priorml.check_assumptions`` with the command-line settings."""
    from .audit.assumptions import check_assumptions

    kwargs: dict[str, Any] = {"alpha": args.alpha, "random_state": args.random_state, "n_jobs": args.n_jobs,
                              "progress": progress}
    if getattr(args, "cv", None) is not None:
        from sklearn.model_selection import LeaveOneOut

        kwargs["cv"] = LeaveOneOut() if args.cv == "loo" else args.cv
    if getattr(args, "n_bootstrap", None) is not None:
        kwargs["n_bootstrap"] = args.n_bootstrap
    return check_assumptions(spec, X, y, **kwargs)


def contradicted(report: Any) -> list[dict[str, Any]]:
    """The rows of an assumption report whose verdict is "contradicted"."""
    table = report.table
    return table[table["verdict"] == "contradicted"].to_dict(orient="records")


def cmd_check(args: argparse.Namespace, con: _Console) -> int:
    result = _audit_data(args, con, "Checking the spec's assumptions", run_check)
    bad = contradicted(result)
    return EXIT_FAILED if args.fail_on_violation and bad else EXIT_OK


def run_drift(model: Any, df: Any, path: str, args: argparse.Namespace, con: _Console) -> Any:
    """Cut ``df`` into batches by ``--time`` and feed them, in time order, to a DriftMonitor.

    Returns the monitor (its ``history`` has one row per batch)."""
    import pandas as pd

    from .audit.drift import DriftMonitor, split_batches
    from .errors import SpecError

    if model.spec_.target is None:
        raise CLIError("the saved model's spec has no 'target:' key, so the target column of the batches is unknown "
                       "(the drift monitor needs the true values). Refit the model with a spec that names its "
                       "target ('target: <column>'), e.g. with 'priorml fit SPEC DATA -o MODEL_DIR'.")
    _check_columns(df, model.spec_, path, target=True)
    if args.time not in df.columns:
        from .errors import did_you_mean

        raise CLIError(f"data file {path!r} has no column {args.time!r} (given with --time)."
                       f"{did_you_mean(args.time, df.columns)} Columns present: {', '.join(list(df.columns)[:20])}.")
    t = df[args.time]
    if t.isna().any():
        row = t.index[t.isna().to_numpy()][0]
        raise CLIError(f"{path!r}, column {args.time!r} (the time column): missing value at row {row} "
                       f"({_rows_word(path)}). Drop the rows without a time.")
    if t.dtype == object or pd.api.types.is_string_dtype(t.dtype):  # dates in a CSV are read as text
        parsed = pd.to_datetime(t, errors="coerce")
        if parsed.notna().all():
            df = df.assign(**{args.time: parsed})
    y = _target(df, model.spec_, path)
    freq = args.freq
    if freq is not None and pd.api.types.is_numeric_dtype(df[args.time]):
        try:
            freq = float(freq)
        except ValueError:
            raise CLIError(f"--freq {args.freq!r}: expected a bin width (a number) for the numeric time column "
                           f"{args.time!r}.") from None
    try:
        batches = split_batches(df, y, args.time, freq=freq, n_batches=args.batches)
    except SpecError as exc:  # named as the command line's options, not split_batches' arguments
        import dataclasses

        options = {"freq": "--freq", "n_batches": "--batches", "freq/n_batches": "--freq/--batches"}
        names = {"freq and n_batches": "--freq and --batches", "n_batches=": "--batches ", "n_batches": "--batches",
                 "freq=": "--freq ", "(freq)": "(--freq)",
                 "leave freq out": "leave --freq out", "no freq ": "no --freq ",
                 "Convert the column with pd.to_datetime": "Write the column as dates (e.g. 2024-01-31)"}

        def cli_words(text: str) -> str:
            for a, b in names.items():
                text = text.replace(a, b)
            return text

        problems = [dataclasses.replace(p, where=options.get(p.where, p.where), expected=cli_words(p.expected),
                                        received=cli_words(p.received), fix=cli_words(p.fix)) for p in exc.problems]
        text = "\n".join([str(exc).splitlines()[0]] + [f"  - {p}" for p in problems])
        raise CLIError(f"cannot cut {path!r} into batches by {args.time!r}:\n{text}") from None
    kwargs: dict[str, Any] = {"window": args.window, "alpha": args.alpha, "random_state": args.random_state}
    if args.state and Path(args.state).exists():
        raise CLIError(f"--state {args.state!r} exists; the command line starts a new monitor and saves its state "
                       "there, it does not resume one. Give a new path, or delete the file to start over (to resume "
                       "a monitor, use priorml.DriftMonitor.load(path, model) in Python).")
    if args.state:
        kwargs["state_path"] = args.state
    monitor = DriftMonitor(model.spec_, model, **kwargs)
    for batch in batches:
        with _about(path):
            status = monitor.update(batch.X, batch.y, label=batch.label)
        con.note(f"  batch {args.time}={batch.label} ({len(batch.X)} rows): "
                 + ("ALERT: " + "; ".join(status.reasons) if status.alert else "no alert"))
    return monitor


def cmd_drift(args: argparse.Namespace, con: _Console) -> int:
    model = _load_model(args.model_dir)
    df = read_data(args.data, model.spec_)
    with con.stage(f"Monitoring {args.data} batch by batch ({args.time})"):
        monitor = run_drift(model, df, args.data, args, con)
    _save_json(args.save, monitor)
    con.result(str(monitor))
    con.document(monitor.to_dict())
    return EXIT_FAILED if args.fail_on_violation and monitor.alerts else EXIT_OK


#: keys that the ``--save`` output of each command always holds (read back by ``priorml report``)
_SAVED_KEYS = {"compare": ("primary_metric", "table"), "check": ("alpha", "rows"), "drift": ("window", "batches")}


def _load_json(path: str | None, what: str) -> Any:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise CLIError(f"{what} file {path!r} not found; write it with the --save option of 'priorml {what}'.")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CLIError(f"{what} file {path!r} is not valid JSON: {_first_line(exc)}") from None
    need = _SAVED_KEYS[what]
    if not isinstance(doc, dict) or any(k not in doc for k in need):
        got = (f"an object with keys {', '.join(map(repr, list(doc)[:8]))}" if isinstance(doc, dict) and doc
               else "an empty object" if isinstance(doc, dict) else f"a JSON {type(doc).__name__}")
        others = [w for w, keys in _SAVED_KEYS.items() if w != what and isinstance(doc, dict)
                  and all(k in doc for k in keys)]
        hint = f" It looks like the output of 'priorml {others[0]} --save'." if others else ""
        raise CLIError(f"{what} file {path!r} is not the output of 'priorml {what} --save': expected an object with "
                       f"the keys {', '.join(map(repr, need))}; got {got}.{hint} Write it with 'priorml {what} ... "
                       f"--save FILE.json'.")
    return doc


def _same_spec(trained: Any, given: Any, model_dir: str, spec_path: str) -> None:
    """Refuse a saved model whose spec is not the SPEC file (the report would describe one and test the other)."""
    a, b = trained.to_dict(), given.to_dict()
    for d in (a, b):
        d.pop("name", None), d.pop("description", None)
    if a == b:
        return
    fa, fb = a.get("features", {}), b.get("features", {})
    diff = [f"features.{n}" for n in dict.fromkeys([*fa, *fb]) if fa.get(n) != fb.get(n)]
    diff += [k for k in dict.fromkeys([*a, *b]) if k != "features" and a.get(k) != b.get(k)]
    raise CLIError(f"the model {model_dir!r} was fitted with a spec other than {spec_path!r} (they differ in "
                   f"{', '.join(diff)}); the report would describe the model's spec but compare and check the "
                   f"other. Give the spec the model was fitted with ({str(Path(model_dir) / 'spec.yaml')!r}), or "
                   "leave out --model-dir to fit a model on SPEC.")


def _save_json(path: str | None, result: Any) -> None:
    if path:
        text = json.dumps(_jsonable(result.to_dict() if hasattr(result, "to_dict") else result), indent=2,
                          allow_nan=False)
        _write_file(path, "--save file", lambda p: p.write_text(text, encoding="utf-8"))


def cmd_report(args: argparse.Namespace, con: _Console) -> int:
    from .report import build_report, holdout_split

    spec, df, y = _read_xy(args)
    model = _load_model(args.model_dir) if args.model_dir else None
    if model is not None:
        _same_spec(model.spec_, spec, args.model_dir, args.spec)
    X_test = y_test = None
    if args.test:
        test = read_data(args.test, spec)
        _check_columns(test, spec, args.test, target=True)
        X_test, y_test = test, _target(test, spec, args.test)
        X, y_train = df, y
    elif (args.test_size if args.test_size is not None else (0.0 if args.model_dir else 0.2)) > 0:
        # held out once, before anything is fitted; a saved model (--model-dir) may have seen any row of DATA,
        # so by default it is evaluated only on --test rows
        size = args.test_size if args.test_size is not None else 0.2
        try:
            X, X_test, y_train, y_test = holdout_split(spec, df, y, size, args.random_state)
        except ValueError as exc:  # too few rows or too few of a class (a DataError naming y)
            detail = exc.problems[0].received if getattr(exc, "problems", None) else _first_line(exc)
            raise CLIError(f"cannot hold out {size:g} of {args.data!r} ({len(df)} rows) for the test error: "
                           f"{detail}. Give held-out rows with --test TEST_DATA, another share with "
                           "--test-size, or none with --test-size 0.") from None
    else:
        X, y_train = df, y
    if model is None:
        model = make_estimator(spec, args.backend, args, progress=con.progress)
        with _about(args.data), con.stage(f"Fitting {type(model).__name__} on {len(X)} rows"):
            model.fit(X, y_train)
    comparison = _load_json(args.comparison, "compare")
    if comparison is None and not args.no_compare:
        with _about(args.data), con.stage("Comparing with baselines (cross-validation on the training rows)"):
            comparison = run_compare(spec, X, y_train, args, progress=con.progress)
    curve = None
    if args.learning_curve:
        from .audit.compare import learning_curve

        with _about(args.data), con.stage("Learning curve (constrained vs baselines by training size)"):
            curve = learning_curve(spec, X, y_train, models=["lattice", "random_forest", "linear"], cv=args.cv,
                                   n_jobs=args.n_jobs, random_state=args.random_state, progress=con.progress,
                                   lattice_params=_lattice_params(args) or None)
    assumptions = _load_json(args.assumptions, "check")
    if assumptions is None and not args.no_check:
        with _about(args.data), con.stage("Checking the spec's assumptions on the training rows"):
            assumptions = run_check(spec, X, y_train, args, progress=con.progress)
    drift = _load_json(args.drift, "drift")
    if drift is None and args.time:
        source = args.drift_data or args.test or args.data
        ddf = read_data(source, spec) if source != args.data else df
        with con.stage(f"Drift monitor over {source} by {args.time}"):
            drift = run_drift(model, ddf, source, args, con)
    with _about(args.data), con.stage(f"Writing the {args.format} report"):
        text = build_report(spec, X, y_train, model=model, X_test=X_test, y_test=y_test, comparison=comparison,
                            learning_curve=curve, assumptions=assumptions, drift=drift, format=args.format,
                            data_path=args.data, command=_command_line(args), random_state=args.random_state)
    _write_file(args.output, "report file", lambda p: p.write_text(text, encoding="utf-8"))
    con.result(f"Report written to {Path(args.output).resolve()}")
    con.document({"report": str(Path(args.output).resolve()), "format": args.format})
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, con: _Console) -> int:
    from .demo import main as demo_main

    argv = ["--out", args.out, "--seed", str(args.random_state)]
    if not args.bayes:
        argv.append("--no-bayes")
    if args.learning_curve:
        argv.append("--learning-curve")
    if con.quiet:
        argv.append("--quiet")
    return demo_main(argv)


def _command_line(args: argparse.Namespace) -> str:
    """The command as typed (for the report's provenance)."""
    import shlex

    return " ".join(shlex.quote(str(a)) for a in ["priorml", *args.argv])


# ---------------------------------------------------------------------- parser
def _positive_int(value: str) -> int:
    try:
        v = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {value!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {v}")
    return v


def _fraction(value: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {value!r}") from None
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1); got {v}")
    return v


def _probability(value: str) -> float:
    v = _fraction(value)
    if v == 0:
        raise argparse.ArgumentTypeError("expected a probability in (0, 1); got 0")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``priorml`` command (one sub-command per task)."""
    from . import __version__

    basic = argparse.ArgumentParser(add_help=False)
    basic.add_argument("-q", "--quiet", action="store_true", help="no progress bars and no framework logs")
    basic.add_argument("--random-state", type=int, default=0, metavar="SEED", help="seed (default 0)")
    common = argparse.ArgumentParser(add_help=False, parents=[basic])
    common.add_argument("--json", action="store_true", help="print the result as JSON on stdout")

    models = argparse.ArgumentParser(add_help=False)
    models.add_argument("--model", choices=["auto", "linear", "lattice", "ensemble"],
                        help="lattice model type (default: auto)")
    models.add_argument("--epochs", type=_positive_int, help="maximum lattice training epochs (default 500)")
    models.add_argument("--draws", type=_positive_int, help="posterior draws per chain (Bayesian backend)")
    models.add_argument("--tune", type=_positive_int, help="tuning steps per chain (Bayesian backend)")
    models.add_argument("--chains", type=_positive_int, help="MCMC chains (Bayesian backend)")
    models.add_argument("--target-accept", type=_probability, metavar="P",
                        help="NUTS target acceptance rate in (0, 1), higher after divergences (Bayesian backend; default 0.9)")

    cv = argparse.ArgumentParser(add_help=False)
    cv.add_argument("--cv", type=_cv, default=None, metavar="K|loo",
                    help="folds of the cross-validation, or leave-one-out (default: the small-data protocol of "
                         "priorml.compare; 5 folds for the assumption checks)")
    cv.add_argument("--n-jobs", type=int, default=None, metavar="N", help="parallel fits (joblib)")

    fail = argparse.ArgumentParser(add_help=False)
    fail.add_argument("--fail-on-violation", action="store_true", help="exit with status 1 when the check fails")

    parser = argparse.ArgumentParser(prog="priorml", description=__doc__.split("\n\n")[0],
                                     epilog="Run 'priorml COMMAND --help' for the options of a command.")
    parser.add_argument("--version", action="version", version=f"priorml {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("fit", parents=[common, models], help="fit a model from a spec and save it",
                       description="Fit the spec's model on DATA and save it to MODEL_DIR.")
    p.add_argument("spec", metavar="SPEC", help="YAML spec (its 'target' names the target column)")
    p.add_argument("data", metavar="DATA", help="CSV or Parquet file with the features and the target")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR", help="directory to save the model to")
    p.add_argument("--backend", choices=["lattice", "bayes"], default="lattice", help="default: lattice")
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser("predict", parents=[common], help="predict with a saved model",
                       description="Predict every row of DATA with a saved model; write DATA plus prediction columns.")
    p.add_argument("model_dir", metavar="MODEL_DIR")
    p.add_argument("data", metavar="DATA")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="CSV (or .parquet) to write")
    p.add_argument("--interval", type=_probability, default=None, metavar="PROB",
                   help="Bayesian regression: add 'lower'/'upper' predictive interval columns (e.g. 0.9)")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("certify", parents=[common, fail], help="check every constraint of a saved model",
                       description="Probe a saved model's predictions on the rows of DATA and check every constraint.")
    p.add_argument("model_dir", metavar="MODEL_DIR")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--n-rows", type=_positive_int, default=None, help="reference rows probed (default 200 / 30)")
    p.add_argument("--fingerprint", type=_hex_digest, default=None, metavar="HEX",
                   help="the fingerprint (SHA-256, or its first 8+ hex digits) of the model that was signed off: "
                        "exit 1 if MODEL_DIR holds another model")
    p.add_argument("--training-rows", action="store_true",
                   help="DATA (with the target column) must be the rows the model was fitted on: exit 1 if not")
    p.set_defaults(func=cmd_certify)

    p = sub.add_parser("compare", parents=[common, models, cv, fail], help="constrained model vs baselines",
                       description="Cross-validated comparison of the constrained model with unconstrained baselines.")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--models", default=None, metavar="LIST",
                   help="comma-separated model names (default: lattice,random_forest,hist_gradient_boosting,"
                        "linear,hgb_monotone; also bayes)")
    p.add_argument("--save", default=None, metavar="FILE.json", help="also write the result as JSON (for report)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("check", parents=[common, cv, fail], help="test the spec's assumptions on data",
                       description="Test every constraint of the spec against the data (supported / no evidence / "
                                   "contradicted).")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--alpha", type=_probability, default=0.05, help="test level (default 0.05)")
    p.add_argument("--n-bootstrap", type=_positive_int, default=None, help="bootstrap resamples")
    p.add_argument("--save", default=None, metavar="FILE.json", help="also write the result as JSON (for report)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("drift", parents=[common, fail], help="monitor a saved model batch by batch",
                       description="Split DATA into batches by a time column and feed them to a drift monitor.")
    p.add_argument("model_dir", metavar="MODEL_DIR")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--time", required=True, metavar="COLUMN", help="column that orders the batches")
    p.add_argument("--freq", default=None, help="one batch per period ('M', 'Q', 'Y' for dates) or per bin of this "
                                                "width (numbers); default: one batch per distinct time")
    p.add_argument("--batches", type=_positive_int, default=None, help="or: this many consecutive equal-size batches")
    p.add_argument("--window", type=_positive_int, default=3, help="batches per monitoring window (default 3)")
    p.add_argument("--alpha", type=_probability, default=0.05, help="test level (default 0.05)")
    p.add_argument("--state", default=None, metavar="FILE", help="save the monitor's state here after every batch")
    p.add_argument("--save", default=None, metavar="FILE.json", help="also write the result as JSON (for report)")
    p.set_defaults(func=cmd_drift)

    p = sub.add_parser("report", parents=[common, models, cv], help="write the validation report",
                       description="Fit (or load) a model and write a self-contained validation report: the spec in "
                                   "words, the certificate, the learned effects, comparison with baselines, "
                                   "assumption checks, diagnostics and provenance.")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("data", metavar="DATA", help="training data (CSV or Parquet)")
    p.add_argument("-o", "--output", required=True, metavar="REPORT", help="file to write")
    p.add_argument("--format", choices=["html", "markdown", "json"], default="html", help="default: html")
    p.add_argument("--backend", choices=["lattice", "bayes"], default="lattice", help="default: lattice")
    p.add_argument("--model-dir", default=None, help="report on this saved model instead of fitting one")
    p.add_argument("--test", default=None, metavar="TEST_DATA", help="held-out rows (instead of --test-size)")
    p.add_argument("--test-size", type=_fraction, default=None,
                   help="share of DATA held out once for the test error (default 0.2 when the model is fitted "
                        "here, 0 with --model-dir)")
    p.add_argument("--models", default=None, metavar="LIST", help="models compared (see 'priorml compare')")
    p.add_argument("--comparison", default=None, metavar="FILE.json", help="use 'priorml compare --save' output")
    p.add_argument("--no-compare", action="store_true", help="leave out the comparison with baselines")
    p.add_argument("--learning-curve", action="store_true", help="add a learning curve (many fits: slow)")
    p.add_argument("--assumptions", default=None, metavar="FILE.json", help="use 'priorml check --save' output")
    p.add_argument("--no-check", action="store_true", help="leave out the assumption checks")
    p.add_argument("--alpha", type=_probability, default=0.05, help="test level of the checks (default 0.05)")
    p.add_argument("--n-bootstrap", type=_positive_int, default=None, help="bootstrap resamples of the checks")
    p.add_argument("--drift", default=None, metavar="FILE.json", help="use 'priorml drift --save' output")
    p.add_argument("--time", default=None, metavar="COLUMN", help="add a drift history by this column")
    p.add_argument("--drift-data", default=None, metavar="DATA", help="rows for the drift history (default: --test)")
    p.add_argument("--freq", default=None, help=argparse.SUPPRESS)
    p.add_argument("--batches", type=_positive_int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--window", type=_positive_int, default=3, help=argparse.SUPPRESS)
    p.add_argument("--state", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", parents=[basic], help="run the end-to-end demo on Auto MPG",
                       description="Run the command line end to end on the bundled Auto MPG data.")
    p.add_argument("--out", default="priorml-demo", help="output directory (default ./priorml-demo)")
    p.add_argument("--no-bayes", dest="bayes", action="store_false", help="skip the Bayesian model (about a minute less)")
    p.add_argument("--learning-curve", action="store_true", help="add a learning curve to the report (several "
                                                                 "minutes more)")
    p.set_defaults(func=cmd_demo)
    return parser


# ---------------------------------------------------------------------- main
_FRAMEWORK_LOGGERS = ("tensorflow", "absl", "pymc", "pytensor", "jax", "arviz", "numba")


def _quiet_frameworks(quiet: bool) -> None:
    """Framework logs off (TensorFlow's C++ and Python logs, PyMC, absl); priorml's own warnings kept."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3" if quiet else "2")
    level = logging.ERROR if quiet else logging.WARNING
    for name in _FRAMEWORK_LOGGERS[2:]:
        logging.getLogger(name).setLevel(level)
    for name in _FRAMEWORK_LOGGERS[:2]:  # TF's Python warnings (AutoGraph, retracing) are never actionable here
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    if quiet:
        warnings.filterwarnings("ignore", category=UserWarning)
        from .errors import ConstraintWarning, DataWarning, SamplerWarning

        for category in (ConstraintWarning, SamplerWarning, DataWarning):  # priorml's own warnings are kept
            warnings.filterwarnings("default", category=category)

    def show(message, category, filename, lineno, file=None, line=None):  # one line, no source excerpt
        print(f"priorml: warning: {message}", file=sys.stderr)

    warnings.showwarning = show


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: C++ libraries log there before Python can filter them."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded interpreter): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _preload_tensorflow() -> None:
    """Import TensorFlow (and probe its devices) with its start-up log lines (CUDA probing) silenced.

    Import errors are left to the lattice backend, which reports them with an install hint."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    with _native_stderr_silenced():
        try:
            import tensorflow as tf
            import tensorflow_lattice  # noqa: F401
            import tf_keras  # noqa: F401

            tf.config.list_physical_devices()
        except ImportError:
            return
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _uses_tensorflow(args: argparse.Namespace) -> bool:
    """Whether the command will run the lattice backend (so TensorFlow is imported up front, quietly)."""
    if args.command in ("fit", "report") and getattr(args, "backend", "lattice") == "lattice" \
            and not getattr(args, "model_dir", None):
        return True
    if args.command == "compare":
        return args.models is None or "lattice" in args.models
    if args.command == "report" and ((not args.no_compare and args.comparison is None
                                      and (args.models is None or "lattice" in args.models))
                                     or args.learning_curve):  # baselines include a lattice model
        return True
    if args.command == "demo":
        return True
    model_dir = getattr(args, "model_dir", None)
    if model_dir:
        try:
            meta = json.loads((Path(model_dir) / "priorml.json").read_text())
            return str(meta.get("estimator", "")).startswith("Lattice")
        except (OSError, ValueError):
            return False
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``priorml`` command.

    Parameters
    ----------
    argv : sequence of str or None
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 ok, 1 a check failed with ``--fail-on-violation``,
        2 bad usage or bad input.

    Examples
    --------
    >>> from priorml.cli import main
    >>> main(["certify", "mpg_model", "cars.csv", "--fail-on-violation"])  # doctest: +SKIP
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or a usage error (2, message already printed)
        return int(exc.code or 0)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    con = _Console(quiet=args.quiet, as_json=getattr(args, "json", False))
    loggers = {name: logging.getLogger(name).level for name in _FRAMEWORK_LOGGERS}
    try:  # warning filters and log levels are restored afterwards: main() may run inside a larger program
        with warnings.catch_warnings():
            _quiet_frameworks(args.quiet)
            if _uses_tensorflow(args):
                _preload_tensorflow()
            return _dispatch(args, con)
    finally:
        for name, level in loggers.items():
            logging.getLogger(name).setLevel(level)


def _dispatch(args: argparse.Namespace, con: _Console) -> int:
    """Run the command; turn every expected failure into a message and exit status 2."""
    from sklearn.utils._param_validation import InvalidParameterError

    from .errors import PriorMLError

    try:
        return args.func(args, con)
    except CLIError as exc:
        msg = str(exc)
    except PriorMLError as exc:
        msg = str(exc)
    except InvalidParameterError as exc:
        msg = f"invalid setting: {exc}"
    except KeyboardInterrupt:
        print("priorml: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (e.g. piped into `head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:  # a missing file, no permission, a full disk, a read-only file system
        msg = f"{exc.strerror or type(exc).__name__}: {exc.filename!r}" if exc.filename else str(exc)
    print(f"priorml {args.command}: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
