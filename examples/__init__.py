"""Plain training scripts to copy from; run one with ``python -m examples.<name>``."""
