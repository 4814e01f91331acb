"""Random number generation: one default Generator, reseeded by manual_seed (torch.Generator)."""

from __future__ import annotations

import numpy as np

from .tensor import Tensor


class Generator:
    """A seeded source of random numbers (torch.Generator); pass as ``generator=``."""

    def __init__(self, device: str = "cpu") -> None:
        self._seed = 67280421310721
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        state = self._rng.bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"], state["has_uint32"],
                 state["uinteger"]]
        raw = b"".join(int(w).to_bytes(16, "little") for w in words)
        return Tensor._make(np.frombuffer(raw, dtype=np.uint8).copy(), False, None)

    def set_state(self, new_state) -> Generator:
        raw = bytes(np.asarray(new_state._data if hasattr(new_state, "_data") else new_state,
                               dtype=np.uint8))
        words = [int.from_bytes(raw[i:i + 16], "little") for i in range(0, 64, 16)]
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64", "state": {"state": words[0], "inc": words[1]},
            "has_uint32": words[2], "uinteger": words[3]}
        return self

    @property
    def rng(self) -> np.random.Generator:
        return self._rng


default_generator = Generator()


def rng_of(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: creation ops, nn init, dropout and DataLoader follow it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)
