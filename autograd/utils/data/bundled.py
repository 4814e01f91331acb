"""The data sets bundled with the project: UCI handwritten digits and a small English corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...tensor import Tensor
from .dataset import TensorDataset

__all__ = ["load_digits", "load_text_corpus"]

_DATA_DIR = Path(__file__).resolve().parent.parent / "datasets"
_SPLITS = {"train": 0, "dev": 1, "test": 2}


def load_digits(split: str = "train", flatten: bool = False,
                as_dataset: bool = False) -> tuple[Tensor, Tensor] | TensorDataset:
    """The UCI handwritten digits (8x8 grey images of 0-9), bundled: returns ``(X, y)``.

    X is float32 scaled to [0, 1] with shape (n, 1, 8, 8), or (n, 64) with ``flatten=True``; y is
    int64. ``split`` is 'train' (1,078 images), 'dev' (359), 'test' (360) or 'all' (1,797): a fixed
    stratified 60/20/20 split stored with the data. ``as_dataset=True`` returns a TensorDataset.

    Data: E. Alpaydin and C. Kaynak, Optical Recognition of Handwritten Digits, UCI Machine
    Learning Repository (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0 (see
    autograd/utils/datasets/README.md).
    """
    if split not in (*_SPLITS, "all"):
        raise ValueError(
            f"load_digits: split must be 'train', 'dev', 'test' or 'all', got {split!r}")
    with np.load(_DATA_DIR / "digits.npz") as archive:
        images, labels, which = archive["images"], archive["labels"], archive["split"]
    keep = slice(None) if split == "all" else which == _SPLITS[split]
    X = images[keep].astype(np.float32) / np.float32(16.0)
    X = X.reshape(len(X), 64) if flatten else X.reshape(len(X), 1, 8, 8)
    X_t = Tensor._make(X, False, None)
    y_t = Tensor._make(labels[keep].astype(np.int64), False, None)
    return TensorDataset(X_t, y_t) if as_dataset else (X_t, y_t)


def load_text_corpus() -> str:
    """A small bundled English corpus (about 7.6 KB, public domain, written for this project).

    Plain sentences about royalty, family, animals, food, weather, places, numbers and jobs, for
    word-embedding examples; see autograd/utils/datasets/README.md.
    """
    return (_DATA_DIR / "corpus.txt").read_text(encoding="utf-8")
