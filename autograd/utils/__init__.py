"""Utilities around the engine: data loading (``data``), metrics and training helpers."""

from . import data, metrics, training
