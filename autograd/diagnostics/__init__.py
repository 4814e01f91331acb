"""Diagnostics (``autograd.debug``): anomaly detection, per-op recording, gradient checks and
reports, and graph drawing (``autograd.viz``, the viz subpackage).

- anomaly.py: detect_anomaly / set_detect_anomaly (torch.autograd's); recording.py runs the
  per-op checks and keeps each node's creation line, module and output summary.
- checks.py: check_gradients (the notes' whole-model check), audit_graph, grad_report,
  plot_grad_flow.
"""

from . import viz
from .anomaly import (
                      detect_anomaly,
                      is_anomaly_check_nan_enabled,
                      is_anomaly_enabled,
                      set_detect_anomaly,
)
from .checks import (
                      AuditReport,
                      GradientCheckReport,
                      GradReport,
                      audit_graph,
                      check_gradients,
                      grad_report,
                      plot_grad_flow,
                      relative_error_verdict,
)
from .recording import AnomalyError, record

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "AnomalyError", "record", "check_gradients",
           "GradientCheckReport", "audit_graph", "AuditReport", "grad_report", "GradReport",
           "plot_grad_flow", "relative_error_verdict"]
