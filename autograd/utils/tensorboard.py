"""torch.utils.tensorboard.SummaryWriter over the ``tensorboard`` package (the optional extra
``pip install topograd[tensorboard]``): event files that ``tensorboard --logdir runs`` shows.

Scalars, scalar groups, histograms, text and the graph of a model's forward pass (ops grouped by
module path, drawn by TensorBoard's graph tab) are supported; images, audio, embeddings and
hyper-parameter tables are not.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime

import numpy as np

try:
    from tensorboard.compat.proto.event_pb2 import Event, SessionLog
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.compat.proto.node_def_pb2 import NodeDef
    from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("autograd.utils.tensorboard needs the tensorboard package: "
                      "pip install tensorboard (or topograd[tensorboard])") from exc

from ..diagnostics.recording import record
from ..diagnostics.viz.draw import _flatten
from ..diagnostics.viz.graph import build_graph, fuse_modules
from ..grad_mode import enable_grad
from ..tensor import Tensor

__all__ = ["SummaryWriter"]


def _tensorflow_bins() -> np.ndarray:
    """Bucket edges growing by 10 % from 1e-12 to 1e20 on both sides of 0 (TensorFlow's
    default histogram buckets, which torch's ``bins='tensorflow'`` means)."""
    positive = 1e-12 * 1.1 ** np.arange(int(np.ceil(np.log(1e32) / np.log(1.1))))
    positive = positive[positive < 1e20]
    return np.concatenate([-positive[::-1], [0.0], positive])


def _array(values) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.detach().numpy()
    return np.asarray(values)


def _histogram(values, bins, max_bins) -> HistogramProto:
    data = _array(values).astype(np.float64).reshape(-1)
    if data.size == 0:
        raise ValueError("add_histogram: the input has no element")
    edges = _tensorflow_bins() if isinstance(bins, str) and bins == "tensorflow" else bins
    counts, limits = np.histogram(data, bins=edges)
    if max_bins is not None and len(counts) > max_bins:
        group = -(-len(counts) // max_bins)
        pad = (-len(counts)) % group
        counts = np.pad(counts, (0, pad)).reshape(-1, group).sum(axis=1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    # bucket i holds the values in (limit[i - 1], limit[i]]; keep the filled range plus an empty
    # bucket in front whose limit is where the first filled one starts (TensorBoard's layout)
    padded = np.concatenate([[0], counts]).astype(np.float64)
    used = np.flatnonzero(counts)
    start, end = (int(used[0]), int(used[-1]) + 1) if used.size else (0, len(counts))
    return HistogramProto(min=float(data.min()), max=float(data.max()), num=int(data.size),
                          sum=float(data.sum()), sum_squares=float(data @ data),
                          bucket_limit=limits[start:end + 1].tolist(),
                          bucket=padded[start:end + 1].tolist())


class SummaryWriter:
    """Write TensorBoard event files into ``log_dir`` (default ``runs/<date>_<host><comment>``),
    like torch.utils.tensorboard.SummaryWriter."""

    def __init__(self, log_dir: str | None = None, comment: str = "", purge_step=None,
                 max_queue: int = 10, flush_secs: int = 120, filename_suffix: str = "") -> None:
        if log_dir is None:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self._writers: dict[str, EventFileWriter] = {}
        self._writer()

    def _writer(self, log_dir: str | None = None) -> EventFileWriter:
        log_dir = self.log_dir if log_dir is None else log_dir
        writer = self._writers.get(log_dir)
        if writer is None:
            writer = EventFileWriter(log_dir, self.max_queue, self.flush_secs,
                                     self.filename_suffix)
            if self.purge_step is not None:
                # TensorBoard drops earlier events at or after this step (a resumed run)
                writer.add_event(Event(step=self.purge_step,
                                       session_log=SessionLog(status=SessionLog.START)))
            self._writers[log_dir] = writer
        return writer

    def _add(self, summary: Summary, global_step, walltime, log_dir: str | None = None) -> None:
        event = Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(global_step)
        self._writer(log_dir).add_event(event)

    def get_logdir(self) -> str:
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """One point of the curve ``tag`` (a number or a one-element tensor)."""
        value = float(_array(scalar_value).reshape(()))
        if new_style:
            tensor = TensorProto(dtype="DT_DOUBLE" if double_precision else "DT_FLOAT",
                                 tensor_shape=TensorShapeProto())
            if double_precision:
                tensor.double_val.append(value)
            else:
                tensor.float_val.append(value)
            meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
            summary = Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)])
        else:
            summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
        self._add(summary, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime=None) -> None:
        """Several curves in one chart: each goes to its own run ``<log_dir>/<main_tag>_<tag>``
        under the tag ``main_tag`` (as torch does)."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            run_dir = self.log_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            summary = Summary(value=[Summary.Value(
                tag=main_tag, simple_value=float(_array(value).reshape(())))])
            self._add(summary, global_step, walltime, run_dir)

    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins=None) -> None:
        """The distribution of ``values`` (a tensor or array): ``bins`` as numpy.histogram takes
        them, or 'tensorflow' for TensorFlow's default buckets."""
        summary = Summary(value=[Summary.Value(tag=tag, histo=_histogram(values, bins, max_bins))])
        self._add(summary, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        """Markdown text shown in the Text tab."""
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text"))
        tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf-8")],
                             tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
        summary = Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta,
                                               tensor=tensor)])
        self._add(summary, global_step, walltime)

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """The graph of ``model(*input_to_model)`` for the Graphs tab: one node per op (named
        by the module path that ran it), parameters as inputs. Runs the model once."""
        inputs = input_to_model if isinstance(input_to_model, (tuple, list)) else (
            () if input_to_model is None else (input_to_model,))
        with enable_grad(), record(model):
            out = model(*inputs)
        outs = [o for o in _flatten((out,)) if isinstance(o, Tensor) and o.requires_grad]
        if not outs:
            raise ValueError("add_graph: the model's outputs do not require grad, so there is "
                             "no graph to trace")
        graph = fuse_modules(build_graph(outs, model))
        names = {}
        used: dict[str, int] = {}
        for n in graph.nodes.values():
            prefix = "/".join(n.scope[-1].split(".")) + "/" if n.scope else ""
            base = prefix + (n.name.rsplit(".", 1)[-1] if n.kind == "param" else n.name)
            used[base] = used.get(base, 0) + 1
            names[n.id] = base if used[base] == 1 else f"{base}_{used[base] - 1}"
        inputs_of: dict[str, list] = {}
        for e in graph.edges:
            inputs_of.setdefault(e.dst, []).append(names[e.src])
        nodes = []
        for n in graph.nodes.values():
            node = NodeDef(name=names[n.id], op=n.name if n.kind == "op" else n.kind,
                           input=inputs_of.get(n.id, []))
            if n.shape is not None:
                shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=s) for s in n.shape])
                node.attr["_output_shapes"].list.shape.extend([shape])
            if n.dtype is not None:
                node.attr["dtype"].s = str(np.dtype(n.dtype)).encode()
            nodes.append(node)
        if verbose:
            print("\n".join(f"{nd.name} = {nd.op}({', '.join(nd.input)})" for nd in nodes))
        self._writer().add_event(Event(graph_def=GraphDef(node=nodes).SerializeToString(),
                                       wall_time=time.time()))

    def flush(self) -> None:
        """Write pending events to disk."""
        for writer in self._writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close every event file."""
        for writer in self._writers.values():
            writer.flush()
            writer.close()
        self._writers = {}

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
