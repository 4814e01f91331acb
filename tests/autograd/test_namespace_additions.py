"""torch names added after the dir() sweep: frombuffer, empty_strided, conj/neg queries."""

import array

import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")


def test_frombuffer_shares_memory_like_torch():
    def run(m):
        buf = bytearray(array.array("f", [1.0, 2.0, 3.0]).tobytes())
        t = m.frombuffer(buf, dtype=m.float32)
        t[0] = 5.0
        part = m.frombuffer(buf, dtype=m.uint8, count=3, offset=2)
        return t.numpy().copy(), part.numpy().copy(), array.array("f", bytes(buf)).tolist()

    for ours, ref in zip(run(autograd), run(torch)):
        np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("kwargs", [dict(count=5), dict(count=-1, offset=3)])
def test_frombuffer_refuses_a_short_buffer_like_torch(kwargs):
    buf = bytearray(8)
    with pytest.raises(ValueError):
        torch.frombuffer(buf, dtype=torch.float32, **kwargs)
    with pytest.raises(ValueError):
        autograd.frombuffer(buf, dtype=autograd.float32, **kwargs)


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((4,), (2,)),
                                          ((0, 3), (3, 1))])
def test_empty_strided_has_torch_strides(size, stride):
    ours = autograd.empty_strided(size, stride, dtype=autograd.float64)
    ref = torch.empty_strided(size, stride, dtype=torch.float64)
    assert tuple(ours.shape) == tuple(ref.shape) and ours.stride() == ref.stride()
    assert ours.dtype is autograd.float64
    ours.fill_(2.0)
    assert float(ours.sum()) == 2.0 * ours.numel()
    with pytest.raises(RuntimeError):
        autograd.empty_strided((2, 3), (1,))


def test_lazy_conj_and_neg_queries_match_torch_for_real_tensors():
    for m in (autograd, torch):
        x = m.ones(2)
        assert m.resolve_conj(x) is x and m.resolve_neg(x) is x
        assert not m.is_conj(x) and not m.is_neg(x) and not m.is_inference(x)


def test_deterministic_debug_mode_round_trips_like_torch():
    def run(m):
        seen = [m.get_deterministic_debug_mode()]
        try:
            for mode in ("warn", 2, "default", 1):
                m.set_deterministic_debug_mode(mode)
                seen.append((m.get_deterministic_debug_mode(),
                             m.are_deterministic_algorithms_enabled(),
                             m.is_deterministic_algorithms_warn_only_enabled()))
            for bad in ("x", 3):
                with pytest.raises(RuntimeError, match="invalid value of debug_mode"):
                    m.set_deterministic_debug_mode(bad)
        finally:
            m.use_deterministic_algorithms(False)
        return seen

    assert run(autograd) == run(torch)
