"""Helpers for epoch loops: early stopping with best-weights restore, and a progress bar."""

from __future__ import annotations

import copy
import math
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


class ProgressBar:
    """A one-line progress display around an iterable, refreshed in place with ``\\r``:
    ``desc 12/40 [######----------] 30% loss=0.412``. ``disable=True`` prints nothing.
    Mirrors the small part of tqdm's API used in training loops (``set_postfix``, ``update``,
    ``close``)."""

    def __init__(self, iterable: Iterable | None = None, desc: str = "", total: int | None = None,
                 disable: bool = False, file: TextIO | None = None, width: int = 20,
                 min_interval: float = 0.1) -> None:
        self.iterable = iterable
        self.desc = desc
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.total = total
        self.disable = disable
        self.file = file
        self.width = width
        self.min_interval = min_interval
        self.n = 0
        self.postfix = ""
        self._last_print = -math.inf
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

    def _print(self, force: bool = False) -> None:
        if self.disable or self._closed:
            return
        now = time.monotonic()
        if not force and now - self._last_print < self.min_interval:
            return
        self._last_print = now
        out = self.file or sys.stderr
        out.write("\r" + self.line())
        out.flush()

    def close(self) -> None:
        """Print the final state and end the line."""
        if self._closed:
            return
        self._print(force=True)
        self._closed = True
        if not self.disable:
            (self.file or sys.stderr).write("\n")


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
