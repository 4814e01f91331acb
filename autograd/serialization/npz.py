"""numpy's ``.npz`` archives (numpy.savez), a common hand-off of weights: read with
``allow_pickle=False``, so object arrays are refused rather than unpickled."""

from __future__ import annotations

import io

import numpy as np

from ..tensor import Tensor
from .errors import LoadError, damaged


def is_npz(names: list[str]) -> bool:
    """An archive of ``.npy`` members only is what numpy.savez writes."""
    return bool(names) and all(n.endswith(".npy") for n in names)


def load_npz(data: bytes, name: str) -> dict:
    """The arrays of an .npz file as a dict of Tensors, keyed as numpy.savez keyed them."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: Tensor._make(np.array(archive[key]), False, None)
                    for key in archive.files}
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise LoadError(f"load: {name} holds an object array, which cannot be read "
                            f"without unpickling it; refused") from None
        raise damaged(name, exc) from exc
    except Exception as exc:  # noqa: BLE001 - a damaged archive becomes one clear error
        raise damaged(name, exc) from exc
