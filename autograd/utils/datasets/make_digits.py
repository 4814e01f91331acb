"""Convert the UCI handwritten digits (as shipped inside the scikit-learn wheel) into digits.npz.

Run once by hand; nothing imports this file. Steps that produced the committed digits.npz:

    pip download --no-deps scikit-learn -d /tmp/wheel
    unzip /tmp/wheel/scikit_learn-*.whl 'sklearn/datasets/data/digits.csv.gz' -d /tmp/wheel
    python autograd/utils/datasets/make_digits.py \
        /tmp/wheel/sklearn/datasets/data/digits.csv.gz autograd/utils/datasets/digits.npz

digits.csv.gz holds 1,797 rows of 65 integers: 64 pixel counts in 0..16 (an 8x8 image, row-major)
then the class label 0..9. The .npz keeps them as uint8 arrays ``images`` (1797, 8, 8) and
``labels`` (1797,), plus ``split`` (1797,) with 0 = train, 1 = dev, 2 = test: a stratified 60/20/20
split drawn once with numpy's PCG64 seeded by SEED, so every machine loads the same split.
"""

from __future__ import annotations

import gzip
import sys

import numpy as np

SEED = 20240601
FRACTIONS = (0.6, 0.2, 0.2)


def stratified_split(labels: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Assign each sample to train (0), dev (1) or test (2), class by class, in FRACTIONS."""
    rng = np.random.default_rng(seed)
    split = np.empty(len(labels), dtype=np.uint8)
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        n_train = round(FRACTIONS[0] * len(members))
        n_dev = round(FRACTIONS[1] * len(members))
        split[members[:n_train]] = 0
        split[members[n_train:n_train + n_dev]] = 1
        split[members[n_train + n_dev:]] = 2
    return split


def main(src: str, dst: str) -> None:
    with gzip.open(src, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65):
        raise ValueError(f"expected 1797 rows of 65 values, got {table.shape}")
    images = table[:, :64].reshape(-1, 8, 8).astype(np.uint8)
    labels = table[:, 64].astype(np.uint8)
    np.savez_compressed(dst, images=images, labels=labels, split=stratified_split(labels))


if __name__ == "__main__":
    main(*sys.argv[1:3])
