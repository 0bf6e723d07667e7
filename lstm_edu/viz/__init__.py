"""Kernel-free figures of the book, computed from real ``lstm_edu`` runs.

Every factory returns a ``plotly.graph_objects.Figure`` whose motion (if any) comes from
plotly's own ``frames``, ``sliders`` and Play/Pause ``updatemenus``: it works in the static
HTML book with no kernel. Every factory takes ``projector=False`` (large fonts, thick lines
when True) and attaches an accessible description (``lstm_edu.viz.theme.describe``). The pure
computations live beside each factory so chapters and tests can reuse them.

==========================  ===============================  =================================
visual                      figure factory                   computation
==========================  ===============================  =================================
gate activation animation   ``gate_animation``               ``gates.gate_history``
cell tracer                 ``cell_tracer``                  ``cell_tracer.cell_tracer_steps``
gradient flow lab           ``gradient_flow_lab``            ``gradient_flow.compute_grad_norms``
exploding grads, clipping   ``clipping_comparison``          ``clipping.train_with_clipping``
loss-surface cliff          ``loss_cliff``                   ``clipping.one_unit_loss_surface``
sigmoid valve               ``sigmoid_valve``                ``valve.valve_values``
unrolled RNN / BPTT         ``bptt_diagram``                 ``bptt.bptt_numbers``
attention heat map, length  ``seq2seq_figures.*``            ``seq2seq_figures.attention_examples``
live playgrounds (typing)   ``playgrounds.show``             ``playgrounds.char_check`` etc.
==========================  ===============================  =================================

Also here: ``theme`` (the book's look), ``plots`` (loss curves, run comparisons, series and
forecasts), ``tables`` (``markdown_table``), ``live`` (``LiveLossPlot``, a live loss curve in a
kernel) and ``widgets`` (the live ipywidgets twins of the figures above, imported on demand).

Importing this package registers the book's plotly renderer and makes it the default
(``lstm_edu.book.render``): every figure shown draws in live Jupyter and in the offline book.
It also makes the book's template plotly's default (``theme.register``), so a figure a chapter
builds itself has the book's fonts, colours and white backgrounds.

Every factory passes ``tests/test_figure_contrast.py`` (WCAG 2.1 AA contrast from the
figure's own colours) and ``tests/test_figure_phone.py`` (a 390 px screen).
"""

from lstm_edu.book import render
from lstm_edu.viz import (
    bptt,
    cell_tracer,
    clipping,
    gates,
    gradient_flow,
    seq2seq_figures,
    theme,
    valve,
)
from lstm_edu.viz.bptt import bptt_diagram
from lstm_edu.viz.cell_tracer import cell_tracer as cell_tracer_figure
from lstm_edu.viz.clipping import clipping_comparison, loss_cliff
from lstm_edu.viz.gates import gate_animation
from lstm_edu.viz.gradient_flow import compute_grad_norms, gradient_flow_lab
from lstm_edu.viz.valve import sigmoid_valve

__all__ = [
    "gate_animation",
    "cell_tracer_figure",
    "gradient_flow_lab",
    "compute_grad_norms",
    "clipping_comparison",
    "loss_cliff",
    "sigmoid_valve",
    "bptt_diagram",
    "bptt",
    "cell_tracer",
    "clipping",
    "gates",
    "gradient_flow",
    "seq2seq_figures",
    "valve",
    "theme",
]

render.register()
theme.register()
