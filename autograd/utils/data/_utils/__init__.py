"""Helpers behind the DataLoader: collation, fetching and the worker process
(torch.utils.data._utils)."""

from . import collate, fetch, worker
from .worker import ExceptionWrapper
