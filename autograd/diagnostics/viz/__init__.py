"""Drawing the computation graph (``autograd.viz``): ``draw_graph`` builds a Graphviz picture of
what backprop walks, ``print_graph`` the same as a text tree; graph.py turns the recorded nodes into
a drawable model, draw.py lays it out and renders it."""

from ..recording import record
from .draw import GraphDrawing, draw_graph, draw_model, print_graph, renderer_available

__all__ = ["draw_graph", "draw_model", "print_graph", "GraphDrawing", "record",
           "renderer_available"]
