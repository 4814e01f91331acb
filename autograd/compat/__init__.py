"""PyTorch-namespace stand-ins (torch.cuda, torch.backends, torch.amp, legacy tensor types, ...)
and the process-wide switches: what scripts written for PyTorch reach for, on a CPU-only library."""
