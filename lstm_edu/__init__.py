"""lstm_edu: the small, verified numpy package behind the book *Inside the LSTM*.

What it covers
--------------
- ``LSTM``, ``RNN`` (tanh) and ``GRU``: forward passes that keep every intermediate value
  (a *trace* you can plot) and hand-written backpropagation through time, in PyTorch's
  parameter layout and gate order.
- ``gradcheck``: central finite differences against the hand-written backward pass.

What a reader opens from the chapters sits at the top; plumbing sits in folders named for it:

====================  ========================================================================
``cells``             the readable single-step forward/backward the book shows (reference),
                      and the reference sequence loops over them
``lstm rnn gru``      the fast sequence models (tested equal to ``cells`` and to PyTorch)
``stacked``           ``StackedLSTM/GRU/RNN``: layers, directions, variable lengths, dropout
                      (torch.nn's multi-layer API); ``packing``: packed-sequence bookkeeping;
                      ``state_dict``: torch's multi-layer names and shapes
``dropout``           between-layer and variational (recurrent) dropout masks and backward
``init``              orthogonal, identity (RNN) and chrono (LSTM) initialization, in place
``cost``              multiply-adds per step and the memory BPTT keeps
``base``              ``RecurrentParams``: sizes, dtype, parameters, shared by every model
``activations``       stable sigmoid, tanh, softmax; ``_validation``: argument checks
``variants``          LSTM without forget/output gate, coupled gates, peepholes
``gradcheck``         finite differences against the hand-written backward pass
``seq2seq``           ``Seq2Seq``: LSTM encoder-decoder, additive attention, greedy and beam search
``analysis``          small computations the chapters show; ``attention``; ``convert``
``training/``         losses, heads, model, optimizers, the training loop, experiments
``data/``             seeded tasks and small shipped datasets (no network)
``viz/``              kernel-free plotly figures, their live ipywidgets twins, the theme, tables
``book/``             the plotly renderer, the Sphinx extension and their JavaScript and CSS
``classroom/``        ``python -m lstm_edu.classroom export|serve`` for teachers
====================  ========================================================================

``import lstm_edu`` imports numpy only (no plotly, no ipywidgets, no global side effect).
Importing ``lstm_edu.viz`` registers the book's plotly renderer (``lstm_edu.book.render``), so
a figure shown in a notebook draws both in live Jupyter and in the offline HTML book.

Shapes use fixed letters everywhere: ``T`` time steps, ``B`` batch, ``I`` input size,
``H`` hidden size. ``x: (T, B, I)``, ``h: (T, B, H)``.
"""

from importlib import metadata

from lstm_edu.gradcheck import gradcheck
from lstm_edu.gru import GRU
from lstm_edu.lstm import LSTM
from lstm_edu.rnn import RNN
from lstm_edu.seq2seq import Seq2Seq
from lstm_edu.stacked import StackedGRU, StackedLSTM, StackedRNN

__all__ = ["LSTM", "RNN", "GRU", "StackedLSTM", "StackedGRU", "StackedRNN", "Seq2Seq",
           "gradcheck"]
try:  # the one source of the version is pyproject.toml
    __version__ = metadata.version("lstm_edu")
except metadata.PackageNotFoundError:  # a checkout on sys.path that was never installed
    __version__ = "0+unknown"
