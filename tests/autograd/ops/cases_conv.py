"""Op cases for the sliding-window primitives unfold / fold (and their 1-D forms).

Our unfold/fold live in autograd.ops.conv (nn.functional re-exports them); torch's in
torch.nn.functional, so each case names both. The 1-D forms are checked against torch's 2-D ones on
an image of height 1.
"""

from autograd.ops import conv
from tests.helpers.optable import OpCase
from tests.helpers.torch_ref import torch

F = torch.nn.functional if torch is not None else None


def _unfold_case(name, shape, **kw):
    return OpCase(name, lambda L, x: conv.unfold(x, **kw), [shape],
                  torch_fn=lambda T, x: F.unfold(x, **kw))


def _blocks(size, k, d=1, p=0, s=1):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _fold_case(name, channels, out, k, d=(1, 1), p=(0, 0), s=(1, 1)):
    kw = dict(output_size=out, kernel_size=k, dilation=d, padding=p, stride=s)
    length = _blocks(out[0], k[0], d[0], p[0], s[0]) * _blocks(out[1], k[1], d[1], p[1], s[1])
    return OpCase(name, lambda L, x: conv.fold(x, **kw), [(2, channels * k[0] * k[1], length)],
                  torch_fn=lambda T, x: F.fold(x, **kw))


def _unfold1d_case(name, shape, k, d=1, p=0, s=1):
    return OpCase(name, lambda L, x: conv.unfold1d(x, k, d, p, s), [shape],
                  torch_fn=lambda T, x: F.unfold(x.unsqueeze(-2), (1, k), (1, d), (0, p), (1, s)))


def _fold1d_case(name, channels, size, k, d=1, p=0, s=1):
    length = _blocks(size, k, d, p, s)

    def ours(L, x):
        return conv.fold1d(x, size, k, d, p, s)

    def theirs(T, x):
        return F.fold(x, (1, size), (1, k), (1, d), (0, p), (1, s)).squeeze(-2)

    return OpCase(name, ours, [(2, channels * k, length)], torch_fn=theirs)


CASES = [
    _unfold_case("unfold-k2", (2, 3, 4, 5), kernel_size=2),
    _unfold_case("unfold-strided-padded", (1, 2, 5, 6), kernel_size=(2, 3), padding=1, stride=2),
    _unfold_case("unfold-dilated", (2, 1, 6, 7), kernel_size=(3, 2), dilation=(2, 1),
                 padding=(1, 0), stride=(1, 2)),
    _unfold_case("unfold-unbatched", (2, 4, 4), kernel_size=3, padding=1),
    _unfold_case("unfold-1x1", (2, 3, 3, 3), kernel_size=1),
    _fold_case("fold-k2", 3, (4, 5), (2, 2)),
    _fold_case("fold-strided-padded", 2, (5, 6), (2, 3), p=(1, 1), s=(2, 2)),
    _fold_case("fold-dilated", 1, (6, 7), (3, 2), d=(2, 1), p=(1, 0), s=(1, 2)),
    OpCase("fold-unbatched", lambda L, x: conv.fold(x, (3, 4), 2), [(8, 6)],
           torch_fn=lambda T, x: F.fold(x, (3, 4), 2)),
    _unfold1d_case("unfold1d", (2, 3, 7), 3),
    _unfold1d_case("unfold1d-strided-dilated", (2, 2, 9), 2, d=2, p=1, s=2),
    OpCase("unfold1d-unbatched", lambda L, x: conv.unfold1d(x, 2), [(3, 5)],
           torch_fn=lambda T, x: F.unfold(x.unsqueeze(-2), (1, 2))),
    _fold1d_case("fold1d", 3, 7, 3),
    _fold1d_case("fold1d-strided-dilated", 2, 9, 2, d=2, p=1, s=2),
    OpCase("unfold-then-fold", lambda L, x: conv.fold(conv.unfold(x, 2, stride=1), (4, 4), 2),
           [(1, 2, 4, 4)],
           torch_fn=lambda T, x: F.fold(F.unfold(x, 2, stride=1), (4, 4), 2)),
]


# ---------------------------------------------------------------- 3-D forms
# torch has no volumetric unfold/fold; a grouped conv3d / conv_transpose3d with a one-hot weight
# (one output channel per kernel offset) is the same linear map, so it is the reference.
def _one_hot_weight(T, channels, k, dtype):
    size = k[0] * k[1] * k[2]
    eye = T.eye(size, dtype=dtype).reshape(size, 1, *k)
    return eye.repeat(channels, 1, 1, 1, 1)


def _triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3


def _unfold3d_case(name, shape, k, d=1, p=0, s=1):
    k3 = _triple(k)

    def theirs(T, x):
        xb = x if x.dim() == 5 else x.unsqueeze(0)
        w = _one_hot_weight(T, xb.shape[1], k3, x.dtype)
        out = F.conv3d(xb, w, None, s, p, d, groups=xb.shape[1])
        out = out.reshape(out.shape[0], out.shape[1], -1)
        return out if x.dim() == 5 else out.squeeze(0)

    return OpCase(name, lambda L, x: conv.unfold3d(x, k, d, p, s), [shape], torch_fn=theirs)


def _fold3d_case(name, channels, out, k, d=1, p=0, s=1, batch=2):
    k3, d3, p3, s3 = _triple(k), _triple(d), _triple(p), _triple(s)
    blocks = tuple(_blocks(*args) for args in zip(out, k3, d3, p3, s3))
    size = k3[0] * k3[1] * k3[2]
    length = blocks[0] * blocks[1] * blocks[2]

    def theirs(T, x):
        xb = x if x.dim() == 3 else x.unsqueeze(0)
        w = _one_hot_weight(T, channels, k3, x.dtype)
        smallest = [(b - 1) * st - 2 * pp + dd * (kk - 1) + 1
                    for b, st, pp, dd, kk in zip(blocks, s3, p3, d3, k3)]
        extra = tuple(o - m for o, m in zip(out, smallest))
        res = F.conv_transpose3d(xb.reshape(xb.shape[0], channels * size, *blocks), w, None, s3,
                                 p3, extra, groups=channels, dilation=d3)
        return res if x.dim() == 3 else res.squeeze(0)

    shape = (batch, channels * size, length) if batch else (channels * size, length)
    return OpCase(name, lambda L, x: conv.fold3d(x, out, k, d, p, s), [shape], torch_fn=theirs)


CASES += [
    _unfold3d_case("unfold3d-k2", (2, 2, 3, 4, 3), 2),
    _unfold3d_case("unfold3d-strided-padded-dilated", (1, 2, 5, 4, 6), (2, 2, 3), d=(2, 1, 1),
                   p=(1, 0, 1), s=(1, 2, 2)),
    _unfold3d_case("unfold3d-unbatched", (2, 3, 3, 3), 2, p=1, s=2),
    _fold3d_case("fold3d-k2", 2, (3, 4, 3), 2),
    _fold3d_case("fold3d-strided-padded-dilated", 1, (5, 4, 6), (2, 2, 3), d=(2, 1, 1),
                 p=(1, 0, 1), s=(1, 2, 2)),
    _fold3d_case("fold3d-unbatched", 2, (3, 3, 3), 2, p=1, s=2, batch=0),
]
