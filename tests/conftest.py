"""Shared fixtures. ``torch_ref``: PyTorch as the reference, skipping the test cleanly where it is
not installed (and failing under REQUIRE_TORCH=1, as CI sets). ``rng``: a seeded numpy generator
for test data, so a test's inputs do not depend on which tests ran before it."""

import numpy as np
import pytest

from tests.helpers.torch_ref import need_torch


@pytest.fixture
def torch_ref():
    """The torch module, or a skip (a failure under REQUIRE_TORCH=1)."""
    return need_torch()


@pytest.fixture
def rng():
    """numpy's generator seeded with 0."""
    return np.random.default_rng(0)
