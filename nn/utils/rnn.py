"""Variable-length sequences: padding and packing (torch.nn.utils.rnn).

A PackedSequence stores the valid steps of a batch time-major: first the step-0 element of every
sequence, then the step-1 element of every sequence still running, and so on, with the sequences
sorted by decreasing length; ``batch_sizes[t]`` says how many run at step t.
"""

from __future__ import annotations

from typing import NamedTuple

import autograd
from autograd import Tensor


class PackedSequence(NamedTuple):
    """The packed form of a batch of sequences (torch.nn.utils.rnn.PackedSequence)."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args, **kwargs) -> PackedSequence:
        """The same packing with ``data`` converted (dtype); the index tensors stay int64."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> PackedSequence:
        """The data as float32."""
        return self.to(autograd.float32)

    def double(self) -> PackedSequence:
        """The data as float64."""
        return self.to(autograd.float64)

    def cpu(self) -> PackedSequence:
        """Already on the CPU: itself."""
        return self

    @property
    def is_cuda(self) -> bool:
        """Always False: the CPU is the only device."""
        return False

    def is_pinned(self) -> bool:
        """Always False: no pinned memory here."""
        return False


def _lengths_list(lengths, op: str) -> list:
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1 or lengths.dtype.kind not in "iu":
            raise RuntimeError(f"{op}: 'lengths' argument should be a 1D CPU int64 tensor, but "
                               f"got {lengths.ndim}D {lengths.dtype} tensor")
        return [int(v) for v in lengths.tolist()]
    return [int(v) for v in lengths]


def _batch_sizes(lengths: list) -> list:
    return [sum(1 for n in lengths if n > t) for t in range(max(lengths))]


def packed_to_padded(data: Tensor, batch_sizes: Tensor, padding_value: float,
                     total_length: int | None = None) -> tuple[Tensor, list]:
    """The (T, B, *) padded form of packed ``data`` in sorted order, and the sorted lengths."""
    sizes = [int(b) for b in batch_sizes.tolist()]
    batch = sizes[0]
    steps = len(sizes) if total_length is None else total_length
    pad_row = data.shape[0]
    rows, start = [], 0
    for t in range(steps):
        size = sizes[t] if t < len(sizes) else 0
        rows.extend(range(start, start + size))
        rows.extend([pad_row] * (batch - size))
        start += size
    filler = autograd.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    padded = autograd.cat([data, filler], 0)[autograd.tensor(rows)]
    lengths = [sum(1 for b in sizes if b > i) for i in range(batch)]
    return padded.reshape((steps, batch) + tuple(data.shape[1:])), lengths


def padded_to_packed(padded: Tensor, batch_sizes: Tensor) -> Tensor:
    """The packed rows of a time-major (T, B, *) tensor (its valid steps, time-major)."""
    sizes = [int(b) for b in batch_sizes.tolist()]
    batch = padded.shape[1]
    rows = [t * batch + b for t, size in enumerate(sizes) for b in range(size)]
    flat = padded.reshape((padded.shape[0] * batch,) + tuple(padded.shape[2:]))
    return flat[autograd.tensor(rows)]


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shape (L_i, *) into (T, B, *) or (B, T, *), padding the short ones
    (torch.nn.utils.rnn.pad_sequence)."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"pad_sequence: padding_side must be 'left' or 'right', got "
                         f"{padding_side!r}")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for i, seq in enumerate(sequences):
        if seq.ndim == 0 or tuple(seq.shape[1:]) != trailing:
            raise RuntimeError(
                f"pad_sequence: every sequence must have shape (L, {', '.join(map(str, trailing))})"
                f" like the first, but sequence {i} has shape {tuple(seq.shape)}")
    longest = max(seq.shape[0] for seq in sequences)
    padded = []
    for seq in sequences:
        missing = longest - seq.shape[0]
        if missing:
            filler = autograd.full((missing,) + trailing, padding_value, dtype=seq.dtype)
            seq = autograd.cat([seq, filler] if padding_side == "right" else [filler, seq], 0)
        padded.append(seq)
    return autograd.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """The list of unpadded sequences of a padded batch (torch.nn.utils.rnn.unpad_sequence)."""
    lengths = _lengths_list(lengths, "unpad_sequence")
    batch_major = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [batch_major[i, :n] for i, n in enumerate(lengths)]


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch given each sequence's length (torch.nn.utils.rnn.pack_padded_sequence).
    With enforce_sorted=False the batch is sorted by decreasing length first."""
    op = "pack_padded_sequence"
    lengths = _lengths_list(lengths, op)
    x = input.transpose(0, 1) if batch_first else input
    if x.ndim < 2:
        raise RuntimeError(f"{op}: expected a (T, B, *) or batch_first (B, T, *) input, got "
                           f"shape {tuple(input.shape)}")
    if len(lengths) != x.shape[1]:
        raise RuntimeError(f"{op}: Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={x.shape[1]})")
    if any(n <= 0 for n in lengths):
        raise RuntimeError(f"{op}: Length of all samples has to be greater than 0, but found an "
                           f"element in 'lengths' that is <= 0 (lengths={lengths})")
    if max(lengths) > x.shape[0]:
        raise RuntimeError(f"{op}: a length of {max(lengths)} exceeds the padded sequence length "
                           f"{x.shape[0]} (input shape {tuple(input.shape)})")
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                "to sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        inverse = [0] * len(order)
        for position, i in enumerate(order):
            inverse[i] = position
        sorted_indices = autograd.tensor(order, dtype=autograd.int64)
        unsorted_indices = autograd.tensor(inverse, dtype=autograd.int64)
        x = x[:, sorted_indices]
        lengths = [lengths[i] for i in order]
    batch_sizes = autograd.tensor(_batch_sizes(lengths), dtype=autograd.int64)
    return PackedSequence(padded_to_packed(x, batch_sizes), batch_sizes, sorted_indices,
                          unsorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None) -> tuple:
    """Undo pack_padded_sequence: (padded batch, lengths) in the original batch order
    (torch.nn.utils.rnn.pad_packed_sequence)."""
    steps = len(sequence.batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                f"Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}")
    padded, lengths = packed_to_padded(sequence.data, sequence.batch_sizes, padding_value,
                                       total_length)
    lengths = autograd.tensor(lengths, dtype=autograd.int64)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices]
    return (padded.transpose(0, 1) if batch_first else padded), lengths


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) sequences (torch.nn.utils.rnn.pack_sequence)."""
    sequences = list(sequences)
    lengths = [seq.shape[0] for seq in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of sequences held by a PackedSequence (torch.nn.utils.rnn.unpack_sequence)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ["PackedSequence", "pad_sequence", "unpad_sequence", "pack_padded_sequence",
           "pad_packed_sequence", "pack_sequence", "unpack_sequence"]
