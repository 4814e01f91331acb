"""The five benchmark workloads (mlp, lenet, lstm, attn, chain) run three ways: this project,
PyTorch CPU and hand-written numpy; see ``python -m benchmarks --help``."""
