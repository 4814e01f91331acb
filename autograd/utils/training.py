"""Helpers for epoch loops: early stopping with best-weights restore, a progress bar, and a
per-epoch metrics History written to CSV (with a plot helper)."""

from __future__ import annotations

import copy
import csv
import math
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO


class EarlyStopping:
    """Stop when a monitored metric has not improved for ``patience`` epochs.

    ``step(metric, model)`` records one epoch and returns True when training should stop. An
    improvement means ``metric < best - min_delta`` (mode 'min') or ``metric > best + min_delta``
    (mode 'max'); each improvement keeps a deep copy of ``model.state_dict()``, which is loaded
    back into the model when stopping (``restore_best_weights``) or by ``restore(model)``.
    The counterpart of Keras' EarlyStopping callback, for a plain PyTorch-style loop.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, mode: str = "min",
                 restore_best_weights: bool = True) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        if patience < 0 or min_delta < 0:
            raise ValueError(f"EarlyStopping: patience ({patience}) and min_delta ({min_delta}) "
                             f"must be non-negative")
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.restore_best_weights = restore_best_weights
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = -1
        self.best_state: dict[str, Any] | None = None
        self.epoch = -1
        self.num_bad_epochs = 0
        self.should_stop = False

    def is_improvement(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by more than ``min_delta``."""
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric: float, model=None) -> bool:
        """Record this epoch's ``metric`` (a number or a one-element tensor); True means stop."""
        metric = float(metric)
        self.epoch += 1
        if self.is_improvement(metric):
            self.best, self.best_epoch, self.num_bad_epochs = metric, self.epoch, 0
            if model is not None:
                self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.num_bad_epochs += 1
        self.should_stop = self.num_bad_epochs > self.patience
        if self.should_stop and self.restore_best_weights and model is not None:
            self.restore(model)
        return self.should_stop

    def restore(self, model) -> None:
        """Load the best state seen into ``model`` (an error if no state was recorded)."""
        if self.best_state is None:
            raise RuntimeError("EarlyStopping.restore: no best state recorded yet (pass the model "
                               "to step())")
        model.load_state_dict(self.best_state)

    def state_dict(self) -> dict[str, Any]:
        """The counters and best value (not the saved weights), for checkpoints."""
        return {k: v for k, v in self.__dict__.items() if k != "best_state"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore counters saved by ``state_dict``."""
        self.__dict__.update(state_dict)


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class ProgressBar:
    """A one-line progress display around an iterable: ``desc 12/40 [######------] 30% loss=0.4``.

    On a terminal the line is refreshed in place with ``\\r``; anywhere else (CI logs, files,
    pipes) it writes whole lines only: the final state when the loop ends, plus one line every
    ``log_interval`` seconds for long loops. ``disable=True`` prints nothing. Mirrors the small
    part of tqdm's API used in training loops (``set_postfix``, ``update``, ``close``)."""

    def __init__(self, iterable: Iterable | None = None, desc: str = "", total: int | None = None,
                 disable: bool = False, file: TextIO | None = None, width: int = 20,
                 min_interval: float = 0.1, log_interval: float = 30.0) -> None:
        self.iterable = iterable
        self.desc = desc
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.total = total
        self.disable = disable
        self.file = file
        self.width = width
        self.min_interval = min_interval
        self.log_interval = log_interval
        self.n = 0
        self.postfix = ""
        self._last_print = -math.inf
        self._start = time.monotonic()
        self._closed = False

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("ProgressBar: the iterable has no length")
        return self.total

    def __iter__(self) -> Iterator:
        try:
            for item in self.iterable:
                yield item
                self.update()
        finally:
            self.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def set_postfix(self, ordered_dict: dict | None = None, refresh: bool = True,
                    **kwargs: Any) -> None:
        """Show ``key=value`` pairs after the bar (floats with 4 significant digits)."""
        items = dict(ordered_dict or {}, **kwargs)
        self.postfix = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in items.items())
        if refresh:
            self._print(force=True)

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` items."""
        self.n += n
        self._print(force=self.total is not None and self.n >= self.total)

    def line(self) -> str:
        """The text of the progress line as it is now."""
        parts = [self.desc] if self.desc else []
        if self.total:
            done = int(self.width * min(self.n, self.total) / self.total)
            parts.append(f"{self.n}/{self.total} [{'#' * done}{'-' * (self.width - done)}] "
                         f"{100 * self.n // self.total:3d}%")
        else:
            parts.append(f"{self.n} it")
        if self.postfix:
            parts.append(self.postfix)
        return " ".join(parts)

    @property
    def _stream(self) -> TextIO:
        return self.file or sys.stderr

    def _print(self, force: bool = False, final: bool = False) -> None:
        if self.disable or self._closed:
            return
        now = time.monotonic()
        if _is_terminal(self._stream):
            if not force and now - self._last_print < self.min_interval:
                return
            self._last_print = now
            self._stream.write("\r" + self.line())
        else:
            # whole lines only: the end of the loop, and a heartbeat for long loops
            if not final and now - max(self._last_print, self._start) < self.log_interval:
                return
            self._last_print = now
            self._stream.write(self.line() + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Print the final state and end the line."""
        if self._closed:
            return
        self._print(force=True, final=True)
        if not self.disable and _is_terminal(self._stream):
            self._stream.write("\n")
        self._closed = True


def progress_bar(iterable: Iterable | None = None, desc: str = "", total: int | None = None,
                 disable: bool = False, use_tqdm: bool | None = None, **kwargs: Any):
    """Wrap an iterable with tqdm when it is installed (and ``use_tqdm`` is not False), else with
    the plain one-line ProgressBar; ``disable=True`` shows nothing either way."""
    if use_tqdm is None:
        use_tqdm = _has_tqdm()
    if use_tqdm:
        from tqdm.auto import tqdm

        return tqdm(iterable, desc=desc, total=total, disable=disable, **kwargs)
    return ProgressBar(iterable, desc=desc, total=total, disable=disable, **kwargs)


class History:
    """Per-epoch metrics, as a table: ``history.log(epoch=3, train_loss=0.41, dev_acc=0.97)``
    appends a row and, with ``csv_path``, rewrites that CSV file at once (a spreadsheet opens it;
    a crash keeps every finished epoch). ``history['dev_acc']`` is a column, ``plot`` draws them.
    The counterpart of Keras' ``History``/``CSVLogger`` callbacks for a plain loop."""

    def __init__(self, csv_path: str | os.PathLike | None = None) -> None:
        self.csv_path = csv_path
        self.rows: list[dict[str, Any]] = []

    @property
    def columns(self) -> list[str]:
        """Metric names in the order they first appeared."""
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def log(self, **metrics: Any) -> None:
        """Append one row (numbers or one-element tensors); missing columns stay empty."""
        self.rows.append({k: _number(v) for k, v in metrics.items()})
        if self.csv_path is not None:
            self.to_csv(self.csv_path)

    def __getitem__(self, name: str) -> list:
        if name not in self.columns:
            raise KeyError(f"History: no metric {name!r} (have {self.columns})")
        return [row.get(name) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def to_csv(self, path: str | os.PathLike) -> None:
        """Write every row to ``path`` (header first)."""
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(self.rows)

    @classmethod
    def read_csv(cls, path: str | os.PathLike) -> History:
        """A History with the rows of a CSV written by ``to_csv`` (numbers parsed back)."""
        history = cls()
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                history.rows.append({k: _parse(v) for k, v in row.items() if v != ""})
        return history

    def plot(self, path: str | os.PathLike | None = None, x: str = "epoch"):
        """Draw every metric against ``x`` (or the row number), one panel per kind: names that
        share their last word (train_loss, dev_loss) share a panel. Saves to ``path`` (format
        from its extension) when given; returns the matplotlib Figure."""
        import matplotlib

        if path is not None and "matplotlib.pyplot" not in sys.modules:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        panels: dict[str, list[str]] = {}
        for name in self.columns:
            if name != x:
                panels.setdefault(name.rsplit("_", 1)[-1], []).append(name)
        if not panels:
            raise ValueError("History.plot: nothing logged yet")
        xs = self[x] if x in self.columns else list(range(1, len(self.rows) + 1))
        fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), squeeze=False)
        for ax, (kind, names) in zip(axes[0], panels.items()):
            for name in names:
                points = [(a, b) for a, b in zip(xs, self[name]) if b is not None]
                ax.plot([a for a, _ in points], [b for _, b in points], marker="o",
                        markersize=3, label=name)
            ax.set(xlabel=x if x in self.columns else "row", title=kind)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=90)
            plt.close(fig)
        return fig


def _number(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def _parse(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
