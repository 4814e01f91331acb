"""torch.nn.modules.rnn: the classes PyTorch defines there, at the same path (defined in
nn.layers.recurrent)."""

from ..layers.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from ._home import make_home

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]

make_home(__name__, [globals()[name] for name in __all__])
