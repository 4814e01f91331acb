"""nn.utils.rnn: padding and packing like torch, and recurrent layers on packed input."""

import numpy as np
import pytest

import autograd
import nn
from nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, close_grads, load_from_torch, pair

RNG = np.random.default_rng(0)
LENGTHS = [3, 5, 1, 4]


def _sequences(torch, lengths=LENGTHS, features=2):
    arrays = [RNG.standard_normal((n, features)).astype(np.float32) for n in lengths]
    ours = [autograd.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, side):
    torch = need_torch()
    ours, theirs = _sequences(torch)
    out = pad_sequence(ours, batch_first=batch_first, padding_value=-1.5, padding_side=side)
    tout = torch.nn.utils.rnn.pad_sequence(theirs, batch_first=batch_first, padding_value=-1.5,
                                           padding_side=side)
    close(out, tout)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    for a, b in zip(ours, theirs):
        close(a.grad, b.grad)


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_unpack_match_torch(enforce_sorted, batch_first):
    torch = need_torch()
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    shape = (len(lengths), 5, 3) if batch_first else (5, len(lengths), 3)
    x, tx = pair(torch, RNG.standard_normal(shape).astype(np.float32))
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first,
                                  enforce_sorted=enforce_sorted)
    tpacked = torch.nn.utils.rnn.pack_padded_sequence(tx, torch.tensor(lengths),
                                                      batch_first=batch_first,
                                                      enforce_sorted=enforce_sorted)
    assert isinstance(packed, PackedSequence)
    close(packed.data, tpacked.data)
    assert packed.batch_sizes.tolist() == tpacked.batch_sizes.tolist()
    for ours, theirs in ((packed.sorted_indices, tpacked.sorted_indices),
                         (packed.unsorted_indices, tpacked.unsorted_indices)):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert ours.tolist() == theirs.tolist()
    padded, lens = pad_packed_sequence(packed, batch_first=batch_first, padding_value=9.0,
                                       total_length=6)
    tpadded, tlens = torch.nn.utils.rnn.pad_packed_sequence(tpacked, batch_first=batch_first,
                                                            padding_value=9.0, total_length=6)
    close(padded, tpadded)
    assert lens.tolist() == tlens.tolist()
    padded.sum().backward()
    tpadded.sum().backward()
    close(x.grad, tx.grad)


def test_pack_sequence_round_trip_matches_torch():
    torch = need_torch()
    ours, theirs = _sequences(torch)
    packed = pack_sequence(ours, enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence(theirs, enforce_sorted=False)
    close(packed.data, tpacked.data)
    for a, b in zip(unpack_sequence(packed), ours):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    padded = pad_sequence(ours, batch_first=True)
    for a, b in zip(unpad_sequence(padded, autograd.tensor(LENGTHS), batch_first=True), ours):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_layers_on_packed_input_match_torch(kind):
    torch = need_torch()
    autograd.manual_seed(0)
    ours = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True)
    theirs = getattr(torch.nn, kind)(2, 3, num_layers=2, bidirectional=True)
    load_from_torch(ours, theirs)
    seqs, tseqs = _sequences(torch)
    packed = pack_sequence(seqs, enforce_sorted=False)
    tpacked = torch.nn.utils.rnn.pack_sequence(tseqs, enforce_sorted=False)
    h, th = pair(torch, RNG.standard_normal((4, 4, 3)).astype(np.float32))
    if kind == "LSTM":
        c, tc = pair(torch, RNG.standard_normal((4, 4, 3)).astype(np.float32))
        out, (h_n, c_n) = ours(packed, (h, c))
        tout, (th_n, tc_n) = theirs(tpacked, (th, tc))
        close(c_n, tc_n, what="c_n")
    else:
        out, h_n = ours(packed, h)
        tout, th_n = theirs(tpacked, th)
    assert isinstance(out, PackedSequence)
    close(out.data, tout.data, what="packed output")
    close(h_n, th_n, what="h_n (each sequence's last valid step)")
    padded, _ = pad_packed_sequence(out, batch_first=True)
    tpadded, _ = torch.nn.utils.rnn.pad_packed_sequence(tout, batch_first=True)
    w = RNG.standard_normal(tpadded.shape).astype(np.float32)
    ((padded * autograd.tensor(w)).sum() + h_n.sum()).backward()
    ((tpadded * torch.tensor(w)).sum() + th_n.sum()).backward()
    for a, b in zip(seqs, tseqs):
        close(a.grad, b.grad, what="sequence grad")
    close(h.grad, th.grad, what="h0 grad")
    close_grads(ours, theirs)


def test_unsorted_lengths_with_enforce_sorted_raise():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(autograd.zeros(4, 2, 1), [2, 3])


def test_bad_lengths_raise():
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        pack_padded_sequence(autograd.zeros(4, 2, 1), [3, 0])
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to "
                                           r"batch_size, but got 3 \(batch_size=2\)"):
        pack_padded_sequence(autograd.zeros(4, 2, 1), [3, 2, 1])


def test_total_length_shorter_than_longest_raises():
    packed = pack_sequence([autograd.zeros(3, 1), autograd.zeros(2, 1)])
    with pytest.raises(ValueError, match="Expected total_length to be at least"):
        pad_packed_sequence(packed, total_length=2)


def test_pad_sequence_shape_mismatch_names_the_sequence():
    with pytest.raises(RuntimeError, match=r"sequence 1 has shape \(2, 3\)"):
        pad_sequence([autograd.zeros(3, 2), autograd.zeros(2, 3)])
