"""Grad mode: decorators on functions, methods and generators; per-thread state, as in torch."""

import sys
import threading

import numpy as np
import pytest

import autograd
from autograd import enable_grad, inference_mode, no_grad, set_grad_enabled

torch = pytest.importorskip("torch")

MODES = [
    (lambda m: m.no_grad(), False),
    (lambda m: m.enable_grad(), True),
    (lambda m: m.inference_mode(), False),
    (lambda m: m.set_grad_enabled(False), False),
]


@pytest.mark.parametrize("make, expected", MODES)
def test_decorated_method_binds_self(make, expected):
    class Model:
        scale = 3

        @make(autograd)
        def generate(self, x):
            return self.scale * x, autograd.is_grad_enabled()

    with set_grad_enabled(not expected):
        assert Model().generate(2) == (6, expected)
        assert autograd.is_grad_enabled() is (not expected)


@pytest.mark.parametrize("make, expected", MODES)
def test_decorated_generator_runs_each_resumption_under_the_mode(make, expected):
    @make(autograd)
    def gen():
        for _ in range(3):
            received = yield autograd.is_grad_enabled()
            assert received == "ping"

    with set_grad_enabled(not expected):
        g = gen()
        seen = [next(g)]
        assert autograd.is_grad_enabled() is (not expected)  # restored between resumptions
        seen += [g.send("ping"), g.send("ping")]
        with pytest.raises(StopIteration):
            g.send("ping")
    assert seen == [expected] * 3


def test_decorated_generator_receives_thrown_exceptions_under_the_mode():
    log = []

    @no_grad()
    def gen():
        try:
            yield 1
        except ValueError:
            log.append(autograd.is_grad_enabled())
            yield 2

    g = gen()
    next(g)
    assert g.throw(ValueError) == 2
    assert log == [False]
    g.close()


def test_no_grad_without_parentheses_decorates_like_torch():
    @no_grad
    def f(x):
        return x * 2

    @torch.no_grad
    def tf(x):
        return x * 2

    x = autograd.ones(2, requires_grad=True)
    assert not f(x).requires_grad
    assert not tf(torch.ones(2, requires_grad=True)).requires_grad
    assert f.__name__ == "f" and type(f) is type(tf)


def test_enable_grad_without_parentheses_and_inference_mode_with_function():
    @enable_grad
    def f():
        return autograd.is_grad_enabled()

    @inference_mode
    def g():
        return autograd.is_grad_enabled(), autograd.is_inference_mode_enabled()

    with no_grad():
        assert f()
    assert g() == (False, True)
    assert not autograd.is_inference_mode_enabled()


def test_inference_mode_nesting_matches_torch():
    def observe(m):
        out = []
        with m.no_grad():
            with m.inference_mode():
                out.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
                with m.inference_mode(False):
                    out.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
                with m.enable_grad():
                    out.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
            out.append((m.is_grad_enabled(), m.is_inference_mode_enabled()))
        return out

    assert observe(autograd) == observe(torch)


def test_set_grad_enabled_as_a_call_and_as_a_context():
    set_grad_enabled(False)
    try:
        assert not autograd.is_grad_enabled()
    finally:
        set_grad_enabled(True)
    with set_grad_enabled(False):
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_one_manager_object_reentered_nests_correctly():
    ctx = no_grad()
    with enable_grad():
        with ctx:
            with enable_grad():
                with ctx:
                    assert not autograd.is_grad_enabled()
                assert autograd.is_grad_enabled()
            assert not autograd.is_grad_enabled()
        assert autograd.is_grad_enabled()


def test_grad_mode_is_thread_local_like_torch():
    def observe(m):
        inside_thread = {}
        entered, release = threading.Event(), threading.Event()

        def evaluator():
            with m.no_grad(), m.inference_mode():
                entered.set()
                release.wait(5)

        th = threading.Thread(target=evaluator)
        th.start()
        entered.wait(5)
        x = m.ones(3, requires_grad=True)
        inside_thread["records"] = (x * 2).requires_grad
        inside_thread["inference"] = m.is_inference_mode_enabled()
        release.set()
        th.join()

        def fresh():
            inside_thread["new_thread_enabled"] = m.is_grad_enabled()

        with m.no_grad():
            t2 = threading.Thread(target=fresh)
            t2.start()
            t2.join()
        return inside_thread

    assert observe(autograd) == observe(torch) == {
        "records": True, "inference": False, "new_thread_enabled": True}


def test_default_dtype_is_process_global_like_torch():
    def observe(m):
        seen = []
        m.set_default_dtype(m.float64)
        try:
            th = threading.Thread(target=lambda: seen.append(m.get_default_dtype() == m.float64))
            th.start()
            th.join()
        finally:
            m.set_default_dtype(m.float32)
        return seen

    assert observe(autograd) == observe(torch) == [True]


_INIT_LOCK = threading.Lock()


def _train(seed, steps, barrier, out, key):
    """A small MLP trained with plain SGD; returns its final parameters and last gradients."""
    import nn
    import optim

    rng = np.random.default_rng(seed)
    X = autograd.tensor(rng.standard_normal((32, 5)), dtype=autograd.float64)
    y = autograd.tensor(rng.standard_normal((32, 1)), dtype=autograd.float64)
    with _INIT_LOCK:  # the global generator is shared: seed and draw the init in one piece
        autograd.manual_seed(seed)
        model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    opt = optim.SGD(model.parameters(), lr=0.05)
    grads = []
    for _ in range(steps):
        if barrier is not None:
            barrier.wait(5)  # interleave the two threads' forward/backward passes
        opt.zero_grad()
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        grads.append([p.grad.numpy().copy() for p in model.parameters()])
        opt.step()
        with no_grad():  # an evaluation step in this thread must not disturb the other
            model(X)
    out[key] = ([p.detach().numpy().copy() for p in model.parameters()], grads)


def test_two_threads_training_separate_models_get_exact_gradients():
    serial = {}
    _train(0, 15, None, serial, "a")
    _train(1, 15, None, serial, "b")

    together, barrier = {}, threading.Barrier(2)
    threads = [threading.Thread(target=_train, args=(seed, 15, barrier, together, key))
               for seed, key in ((0, "a"), (1, "b"))]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads every few bytecodes: passes interleave finely
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        sys.setswitchinterval(interval)
    for key in "ab":
        params_s, grads_s = serial[key]
        params_t, grads_t = together[key]
        for a, b in zip(params_s, params_t):
            np.testing.assert_array_equal(a, b)
        for step_s, step_t in zip(grads_s, grads_t):
            for a, b in zip(step_s, step_t):
                np.testing.assert_array_equal(a, b)
