"""Give a class its PyTorch module path as its home."""

from __future__ import annotations


def make_home(module_name: str, classes: list) -> None:
    """Set each class's ``__module__`` to ``module_name`` (``nn.modules.rnn``), the path that
    mirrors PyTorch's (``torch.nn.modules.rnn``): pickles of whole models then name the class
    there, as PyTorch's do, and ``repr(nn.LSTM)`` reads ``<class 'nn.modules.rnn.LSTM'>``.
    The classes stay defined in ``nn/layers/``; this is their stable public address."""
    for cls in classes:
        if not cls.__module__.startswith("nn.modules."):
            cls.__module__ = module_name
