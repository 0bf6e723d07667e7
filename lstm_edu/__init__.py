"""lstm_edu: the small, verified numpy package behind the book *Inside the LSTM*.

What it covers
--------------
- ``LSTM``, ``RNN`` (tanh) and ``GRU``: forward passes that keep every intermediate value
  (a *trace* you can plot) and hand-written backpropagation through time, in PyTorch's
  parameter layout and gate order.
- ``gradcheck``: central finite differences against the hand-written backward pass.

The modules, one idea each:

==================  ==========================================================================
``cells``           the readable single-step forward/backward the book shows (reference)
``lstm rnn gru``    the fast sequence models (tested equal to ``cells`` and to PyTorch)
``activations``     stable sigmoid and tanh; ``_validation``: argument checks, shared base class
``variants``        LSTM without forget/output gate, coupled gates, peepholes
``heads optim``     readouts and losses; SGD, Adam, gradient-norm clipping
``train``           a training loop with callbacks and a ``History``; ``train_plots``
``data``            seeded tasks and small shipped datasets (no network)
``experiments``     the paper reproductions; ``apps``: helpers of the applications chapter
``analysis``        small computations the chapters show; ``attention``; ``convert``
``viz widgets``     kernel-free plotly figures and their live ipywidgets twins; ``theme``
``render``          the plotly renderer (offline book + live Jupyter); ``sphinxext``
``classroom``       ``python -m lstm_edu.classroom export|serve`` for teachers
==================  ==========================================================================

Importing ``lstm_edu`` makes its plotly renderer the default (``lstm_edu.render``), so a
figure shown in a notebook draws both in live Jupyter and in the offline HTML book.

Shapes use fixed letters everywhere: ``T`` time steps, ``B`` batch, ``I`` input size,
``H`` hidden size. ``x: (T, B, I)``, ``h: (T, B, H)``.
"""

from lstm_edu import render
from lstm_edu.gradcheck import gradcheck
from lstm_edu.gru import GRU
from lstm_edu.lstm import LSTM
from lstm_edu.rnn import RNN

__all__ = ["LSTM", "RNN", "GRU", "gradcheck"]
__version__ = "0.1.0"

# Figures shown in a notebook carry both the plotly JSON (live Jupyter) and an offline div
# (the static book); see lstm_edu.render.
render.register()
