"""Losses against PyTorch: every reduction, weights, ignore_index, label smoothing, K-dim inputs,
stability at huge logits, and clear errors for bad targets."""

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close

RNG = np.random.default_rng(0)


def _f32(*shape, low=None, high=None):
    if low is None:
        return RNG.standard_normal(shape).astype(np.float32)
    return RNG.uniform(low, high, shape).astype(np.float32)


def _sign(*shape):
    return RNG.choice([-1.0, 1.0], shape).astype(np.float32)


def _probs(*shape, dim=1):
    p = RNG.uniform(0.1, 1.0, shape)
    return (p / p.sum(dim, keepdims=True)).astype(np.float32)


def _classes(n, *shape):
    return RNG.integers(0, n, shape).astype(np.int64)


# name, constructor kwargs (values may be arrays: turned into tensors for each library),
# float inputs that get gradients, other (target) inputs
CASES = [
    ("MSELoss", {}, [_f32(4, 3)], [_f32(4, 3)]),
    ("L1Loss", {}, [_f32(4, 3)], [_f32(4, 3)]),
    ("SmoothL1Loss", {"beta": 0.5}, [_f32(4, 3)], [_f32(4, 3)]),
    ("SmoothL1Loss", {"beta": 0.0}, [_f32(4, 3)], [_f32(4, 3)]),
    ("HuberLoss", {"delta": 0.7}, [_f32(4, 3)], [_f32(4, 3)]),
    ("BCELoss", {}, [_f32(4, 3, low=0.05, high=0.95)], [_f32(4, 3, low=0, high=1)]),
    ("BCELoss", {"weight": _f32(3, low=0.5, high=2)}, [_f32(4, 3, low=0.05, high=0.95)],
     [_f32(4, 3, low=0, high=1)]),
    ("BCEWithLogitsLoss", {}, [_f32(4, 3)], [_f32(4, 3, low=0, high=1)]),
    ("BCEWithLogitsLoss", {"pos_weight": _f32(3, low=0.5, high=3),
                           "weight": _f32(4, 1, low=0.5, high=2)}, [_f32(4, 3)],
     [_f32(4, 3, low=0, high=1)]),
    ("CrossEntropyLoss", {}, [_f32(5, 4)], [_classes(4, 5)]),
    ("CrossEntropyLoss", {"weight": _f32(4, low=0.2, high=2)}, [_f32(5, 4)], [_classes(4, 5)]),
    ("CrossEntropyLoss", {"ignore_index": 1}, [_f32(6, 3)],
     [np.array([0, 1, 2, 1, 0, 2], np.int64)]),
    ("CrossEntropyLoss", {"label_smoothing": 0.2, "weight": _f32(4, low=0.2, high=2),
                          "ignore_index": 0}, [_f32(5, 4)], [np.array([0, 1, 2, 3, 3])]),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, [_f32(5, 4)], [_classes(4, 5)]),
    ("CrossEntropyLoss", {}, [_f32(2, 4, 3, 2)], [_classes(4, 2, 3, 2)]),
    ("CrossEntropyLoss", {"weight": _f32(4, low=0.2, high=2), "label_smoothing": 0.3},
     [_f32(2, 4, 3)], [_classes(4, 2, 3)]),
    ("CrossEntropyLoss", {}, [_f32(4)], [np.array(2, np.int64)]),
    ("CrossEntropyLoss", {}, [_f32(5, 4)], [_probs(5, 4)]),
    ("CrossEntropyLoss", {"weight": _f32(4, low=0.2, high=2), "label_smoothing": 0.25},
     [_f32(5, 4)], [_probs(5, 4)]),
    ("CrossEntropyLoss", {}, [_f32(2, 4, 3)], [_probs(2, 4, 3)]),
    ("NLLLoss", {}, [_f32(5, 4)], [_classes(4, 5)]),
    ("NLLLoss", {"weight": _f32(4, low=0.2, high=2), "ignore_index": 2}, [_f32(6, 4)],
     [np.array([0, 2, 1, 3, 2, 1])]),
    ("NLLLoss", {}, [_f32(2, 3, 4)], [_classes(3, 2, 4)]),
    ("KLDivLoss", {"reduction": "batchmean"}, [np.log(_probs(4, 5))], [_probs(4, 5)]),
    ("KLDivLoss", {"reduction": "sum", "log_target": True}, [np.log(_probs(4, 5))],
     [np.log(_probs(4, 5))]),
    ("KLDivLoss", {"reduction": "none"}, [np.log(_probs(3, 2))],
     [np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]], np.float32)]),
    ("CosineEmbeddingLoss", {"margin": 0.2}, [_f32(5, 3), _f32(5, 3)], [_sign(5)]),
    ("CosineEmbeddingLoss", {}, [_f32(3), _f32(3)], [np.array(-1.0, np.float32)]),
    ("MarginRankingLoss", {"margin": 0.3}, [_f32(6), _f32(6)], [_sign(6)]),
    ("TripletMarginLoss", {"margin": 0.5}, [_f32(4, 3), _f32(4, 3), _f32(4, 3)], []),
    ("TripletMarginLoss", {"p": 1.0, "swap": True}, [_f32(4, 3), _f32(4, 3), _f32(4, 3)], []),
    ("TripletMarginLoss", {"p": 3.0}, [_f32(3), _f32(3), _f32(3)], []),
    ("TripletMarginWithDistanceLoss", {"margin": 0.5, "swap": True},
     [_f32(4, 3), _f32(4, 3), _f32(4, 3)], []),
    ("HingeEmbeddingLoss", {"margin": 0.8}, [_f32(4, 3)], [_sign(4, 3)]),
    ("MultiMarginLoss", {}, [_f32(5, 4)], [_classes(4, 5)]),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5, "weight": _f32(4, low=0.5, high=2)},
     [_f32(5, 4)], [_classes(4, 5)]),
    ("MultiMarginLoss", {}, [_f32(4)], [np.array(1, np.int64)]),
    ("MultiLabelMarginLoss", {}, [_f32(3, 4)],
     [np.array([[3, 0, -1, 1], [1, -1, 0, 0], [0, 1, 2, 3]], np.int64)]),
    ("NLLLoss2d", {}, [_f32(2, 3, 2, 2)], [_classes(3, 2, 2, 2)]),
    ("SoftMarginLoss", {}, [_f32(4, 3)], [_sign(4, 3)]),
    ("MultiLabelSoftMarginLoss", {}, [_f32(4, 3)], [_f32(4, 3, low=0, high=1).round()]),
    ("MultiLabelSoftMarginLoss", {"weight": _f32(3, low=0.5, high=2)}, [_f32(4, 3)],
     [_f32(4, 3, low=0, high=1).round()]),
    ("PoissonNLLLoss", {}, [_f32(4, 3)], [_f32(4, 3, low=0, high=5).round()]),
    ("PoissonNLLLoss", {"log_input": False, "full": True}, [_f32(4, 3, low=0.5, high=3)],
     [_f32(4, 3, low=0, high=5).round()]),
    ("GaussianNLLLoss", {}, [_f32(4, 3), _f32(4, 3, low=0.2, high=2)], [_f32(4, 3)]),
    ("GaussianNLLLoss", {"full": True}, [_f32(4, 3), _f32(4, 1, low=0.2, high=2)], [_f32(4, 3)]),
    ("GaussianNLLLoss", {"eps": 0.5}, [_f32(4, 3), _f32(4, low=0.2, high=2)], [_f32(4, 3)]),
]


def _call_args(name, floats, others):
    """Positional arguments in the order the loss's forward expects."""
    if name == "GaussianNLLLoss":
        return [floats[0], others[0], floats[1]]
    return list(floats) + list(others)


def _build(lib, name, kwargs, reduction):
    args = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    if reduction is not None and "reduction" not in kwargs:
        args["reduction"] = reduction
    cls = getattr(lib.nn, name) if lib is not autograd else getattr(nn, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # NLLLoss2d's deprecation notice
        return cls(**args)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_loss_matches_torch(case, reduction):
    torch = need_torch()
    name, kwargs, floats, others = case
    ours = _build(autograd, name, kwargs, reduction)
    theirs = _build(torch, name, kwargs, reduction)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    xs = [autograd.tensor(a, requires_grad=True) for a in floats]
    txs = [torch.tensor(a, requires_grad=True) for a in floats]
    ys = [autograd.tensor(a) for a in others]
    tys = [torch.tensor(a) for a in others]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = ours(*_call_args(name, xs, ys))
        tout = theirs(*_call_args(name, txs, tys))
    close(out, tout, what="loss")
    g = np.random.default_rng(1).standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * autograd.tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    for i, (x, tx) in enumerate(zip(xs, txs)):
        close(x.grad, tx.grad, what=f"grad of input {i}")


@pytest.mark.parametrize("case", CASES[::3], ids=[c[0] for c in CASES[::3]])
def test_loss_gradcheck(case):
    name, kwargs, floats, others = case
    kwargs = {k: (autograd.tensor(v.astype(np.float64)) if isinstance(v, np.ndarray) else v)
              for k, v in kwargs.items()}
    loss = getattr(nn, name)(**kwargs)
    xs = tuple(autograd.tensor(a.astype(np.float64), requires_grad=True) for a in floats)
    ys = [autograd.tensor(a.astype(np.float64) if a.dtype.kind == "f" else a) for a in others]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert autograd.gradcheck(lambda *t: loss(*_call_args(name, t, ys)), xs)


@pytest.mark.parametrize("fn,target", [
    (lambda x, y: F.cross_entropy(x, y), np.array([0, 1, 2])),
    (lambda x, y: F.binary_cross_entropy_with_logits(x[:, 0], y), np.array([1.0, 0.0, 1.0])),
    (lambda x, y: F.soft_margin_loss(x[:, 0], y), np.array([1.0, -1.0, 1.0])),
    (lambda x, y: F.multilabel_soft_margin_loss(x, y), np.ones((3, 3))),
    (lambda x, y: F.kl_div(F.log_softmax(x, dim=1), y, reduction="batchmean"),
     np.full((3, 3), 1 / 3)),
])
def test_losses_are_finite_and_silent_at_huge_logits(fn, target):
    x = autograd.tensor(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [-1e4, -1e4, -1e4]],
                                 np.float32), requires_grad=True)
    y = autograd.tensor(target.astype(np.int64 if target.dtype.kind == "i" else np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = fn(x, y)
        loss.backward()
    assert np.isfinite(float(loss)) and np.all(np.isfinite(x.grad.numpy()))


def test_bce_clamps_log_at_minus_100_like_torch():
    torch = need_torch()
    p = np.array([0.0, 1.0, 0.5], np.float32)
    y = np.array([1.0, 0.0, 1.0], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = F.binary_cross_entropy(autograd.tensor(p), autograd.tensor(y), reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(y),
                                                      reduction="none")
    close(ours, theirs)
    assert float(ours[0]) == 100.0


def test_all_ignored_mean_is_nan_with_zero_gradient_like_torch():
    x = autograd.randn(3, 4, requires_grad=True)
    out = F.nll_loss(x, autograd.tensor([-100, -100, -100]))
    out.backward()
    assert np.isnan(float(out)) and not np.any(x.grad.numpy())
    x.grad = None
    out = F.cross_entropy(x, autograd.tensor([1, 1, 1]), ignore_index=1, label_smoothing=0.2)
    out.backward()
    assert np.isnan(float(out)) and not np.any(x.grad.numpy())


def test_probability_targets_refuse_ignore_index():
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(autograd.randn(3, 4), autograd.rand(3, 4), ignore_index=0)


def test_cross_entropy_out_of_range_target_names_value_and_shapes():
    with pytest.raises(IndexError, match=r"cross_entropy: Target 5 is out of bounds for 4 "
                                         r"classes \(input of shape \(3, 4\), target of shape "
                                         r"\(3,\)\)"):
        F.cross_entropy(autograd.randn(3, 4), autograd.tensor([0, 5, 1]))
    with pytest.raises(IndexError, match="Target -2"):
        nn.NLLLoss()(autograd.randn(3, 4), autograd.tensor([0, -2, 1]))


def test_cross_entropy_float_target_for_indices_names_dtype_and_shapes():
    with pytest.raises(RuntimeError, match=r"cross_entropy: expected target of class indices "
                                           r"with dtype int64.*float32 and shape \(3,\) for "
                                           r"input of shape \(3, 4\)"):
        nn.CrossEntropyLoss()(autograd.randn(3, 4), autograd.tensor([0.0, 2.0, 1.0]))


def test_cross_entropy_batch_mismatch_and_int_probabilities():
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target "
                                         r"batch_size \(2\)"):
        F.cross_entropy(autograd.randn(3, 4), autograd.tensor([0, 2]))
    with pytest.raises(RuntimeError, match="Expected floating point type for target with class "
                                           "probabilities"):
        F.cross_entropy(autograd.randn(3, 4), autograd.zeros(3, 4, dtype=autograd.int64))


def test_weight_of_wrong_size_is_refused():
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 4 "
                                           "classes"):
        F.cross_entropy(autograd.randn(3, 4), autograd.tensor([0, 1, 2]),
                        weight=autograd.ones(3))


def test_invalid_reduction():
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.mse_loss(autograd.randn(2), autograd.randn(2), reduction="bad")


def test_bce_shape_and_range_errors():
    with pytest.raises(ValueError, match="Using a target size"):
        F.binary_cross_entropy(autograd.rand(3), autograd.rand(3, 1))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(autograd.tensor([1.5]), autograd.tensor([1.0]))
    with pytest.raises(ValueError, match=r"Target size \(\(3, 1\)\) must be the same as input "
                                         r"size \(\(3,\)\)"):
        F.binary_cross_entropy_with_logits(autograd.randn(3), autograd.rand(3, 1))


def test_elementwise_loss_weights_must_match_the_input():
    torch = need_torch()
    x, y, w = _f32(3, 2), _f32(3, 2), _f32(3, 2, low=0.5, high=2)
    for name in ("mse_loss", "l1_loss", "huber_loss"):
        ours = getattr(F, name)(autograd.tensor(x), autograd.tensor(y), weight=autograd.tensor(w))
        theirs = getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(y),
                                                    weight=torch.tensor(w))
        close(ours, theirs)
        with pytest.raises(ValueError, match="Weights and input must have the same size"):
            getattr(F, name)(autograd.tensor(x), autograd.tensor(y), weight=autograd.ones(2))


def test_mse_broadcast_warns_like_torch():
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(autograd.randn(3), autograd.randn(4, 1))


def test_kl_div_mean_warns_like_torch():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(autograd.randn(2, 3), autograd.rand(2, 3))


def test_legacy_size_average_and_reduce():
    torch = need_torch()
    x, y = _f32(3, 2), _f32(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for size_average, reduce in [(False, None), (None, False), (True, True)]:
            ours = nn.MSELoss(size_average=size_average, reduce=reduce)
            theirs = torch.nn.MSELoss(size_average=size_average, reduce=reduce)
            assert ours.reduction == theirs.reduction
            close(ours(autograd.tensor(x), autograd.tensor(y)),
                  theirs(torch.tensor(x), torch.tensor(y)))


def test_gaussian_nll_errors():
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(autograd.randn(4, 3), autograd.randn(4, 3), autograd.ones(2))
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(autograd.randn(2), autograd.randn(2), autograd.tensor([1.0, -1.0]))


def test_loss_reprs_and_weight_buffers_match_torch():
    torch = need_torch()
    w = np.ones(3, np.float32)
    pairs = [(nn.CrossEntropyLoss(weight=autograd.tensor(w)),
              torch.nn.CrossEntropyLoss(weight=torch.tensor(w))),
             (nn.BCEWithLogitsLoss(pos_weight=autograd.tensor(w)),
              torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w))),
             (nn.MSELoss(), torch.nn.MSELoss()), (nn.HuberLoss(), torch.nn.HuberLoss())]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert list(ours._buffers) == list(theirs._buffers)


def test_losses_keep_float32():
    x, y = autograd.randn(4, 3), autograd.tensor([0, 1, 2, 1])
    assert F.cross_entropy(x, y).dtype == autograd.float32
    assert F.mse_loss(x, x * 2).dtype == autograd.float32
    assert F.binary_cross_entropy_with_logits(x, x.sigmoid()).dtype == autograd.float32


def test_triplet_margin_with_custom_distance():
    torch = need_torch()
    a, p, n = _f32(4, 3), _f32(4, 3), _f32(4, 3)
    ours = F.triplet_margin_with_distance_loss(
        *(autograd.tensor(v) for v in (a, p, n)),
        distance_function=lambda x, y: 1 - F.cosine_similarity(x, y), margin=0.3)
    theirs = torch.nn.functional.triplet_margin_with_distance_loss(
        *(torch.tensor(v) for v in (a, p, n)),
        distance_function=lambda x, y: 1 - torch.nn.functional.cosine_similarity(x, y),
        margin=0.3)
    close(ours, theirs)
    assert repr(nn.TripletMarginWithDistanceLoss()) == repr(
        torch.nn.TripletMarginWithDistanceLoss())


CTC_CASES = [
    # targets (padded or concatenated), input_lengths, target_lengths, blank, zero_infinity
    (np.array([[1, 2, 2], [1, 0, 0], [3, 4, 1]]), (6, 4, 5), (3, 1, 2), 0, False),
    (np.array([1, 2, 2, 1, 3, 4]), (6, 6, 3), (3, 1, 2), 0, False),
    (np.array([[1, 2, 2], [3, 3, 3], [0, 0, 0]]), (6, 2, 6), (3, 3, 0), 0, False),
    (np.array([[1, 2, 2], [3, 3, 3], [0, 0, 0]]), (6, 2, 6), (3, 3, 0), 0, True),
    (np.array([[0, 1, 0], [2, 2, 3], [1, 1, 1]]), (6, 5, 6), (3, 2, 3), 4, False),
]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CTC_CASES, ids=[str(i) for i in range(len(CTC_CASES))])
def test_ctc_loss_matches_torch(case, reduction):
    torch = need_torch()
    targets, input_lengths, target_lengths, blank, zero_infinity = case
    x = np.random.default_rng(0).standard_normal((6, 3, 5)).astype(np.float32)
    ours_loss = nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    theirs_loss = torch.nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    assert repr(ours_loss) == repr(theirs_loss)
    ax, tx = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours_loss(F.log_softmax(ax, 2), autograd.tensor(targets),
                    autograd.tensor(input_lengths), autograd.tensor(target_lengths))
    tout = theirs_loss(tx.log_softmax(2), torch.tensor(targets), torch.tensor(input_lengths),
                       torch.tensor(target_lengths))
    close(out, tout)
    finite = np.isfinite(tout.detach().numpy()).all()
    if finite:
        # torch's own gradient w.r.t. log_probs assumes a log_softmax before it; through the
        # log_softmax both are the true gradient w.r.t. the logits
        out.sum().backward()
        tout.sum().backward()
        close(ax.grad, tx.grad)


def test_ctc_loss_unbatched_and_gradcheck():
    torch = need_torch()
    x = np.random.default_rng(1).standard_normal((5, 4))
    t = np.array([1, 3])
    ours = F.ctc_loss(F.log_softmax(autograd.tensor(x.astype(np.float32)), 1),
                      autograd.tensor(t), 5, 2)
    theirs = torch.nn.functional.ctc_loss(torch.tensor(x.astype(np.float32)).log_softmax(1),
                                          torch.tensor(t), (5,), (2,))
    close(ours, theirs)
    logits = autograd.tensor(x, requires_grad=True)
    assert autograd.gradcheck(
        lambda z: F.ctc_loss(F.log_softmax(z, 1), autograd.tensor(t), 5, 2), (logits,))
    with pytest.raises(RuntimeError, match="input_lengths to have value at most 5"):
        F.ctc_loss(F.log_softmax(logits, 1).unsqueeze(1), autograd.tensor([[1]]), (6,), (1,))
