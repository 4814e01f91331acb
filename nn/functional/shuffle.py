"""Channel shuffle (torch.nn.functional.channel_shuffle), as in ShuffleNet."""

from __future__ import annotations

from autograd import Tensor


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Split the C channels into ``groups`` and interleave them: (N, C, *) keeps its shape
    (torch.nn.functional.channel_shuffle)."""
    if groups <= 0:
        raise ValueError(f"channel_shuffle: Number of groups to divide channels in must be "
                         f"positive. Value of groups:{groups}")
    if input.dim() < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with sizes {list(input.shape)}")
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = tuple(input.shape[2:])
    return (input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
            .reshape(n, c, *rest))


native_channel_shuffle = channel_shuffle

__all__ = ["channel_shuffle", "native_channel_shuffle"]
