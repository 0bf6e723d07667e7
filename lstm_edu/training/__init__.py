"""Training recurrent models: losses, heads, the model that joins them, optimizers, the loop.

What it covers
--------------
==================  =========================================================================
``losses``          ``mse``, ``cross_entropy``: ``(loss, dloss/dprediction)``, masked by ``lengths``
``heads``           ``LinearHead``, ``SoftmaxHead``: readouts with forward and backward
``model``           ``SequenceModel`` (core + head + loss), ``build_model``, ``sample``
``optim``           ``SGD``, ``Adam``, ``clip_grad_norm``, ``grad_norm``
``trainer``         ``fit`` / ``Trainer`` (callbacks, evaluation, early stop) and ``History``
``experiments``     the book's experiments the chapters call in one line
``paper``           the 1997 paper's configurations and stopping rule
``stats``           intervals and comparisons (Wilson, bootstrap)
``apps``            forecasting and anomaly-detection helpers of the applications chapters
``classical``       the airline model (seasonal ARIMA), the forecasts' classical baseline
==================  =========================================================================

Variable-length batches: every model call and the loop take ``lengths`` (batches ``(x, lengths,
y)``, right-padded): last-valid-step read-outs, losses averaged over the valid steps only.

What it does not cover: the recurrent cores (``lstm_edu.LSTM``, ``RNN``, ``GRU``,
``lstm_edu.variants``), the data (``lstm_edu.data``), figures of training (``lstm_edu.viz``).
Nothing here imports plotly.
"""

from lstm_edu.training.losses import cross_entropy, mse
from lstm_edu.training.model import SequenceModel, build_model, sample
from lstm_edu.training.optim import SGD, Adam, clip_grad_norm, grad_norm
from lstm_edu.training.trainer import History, Trainer, fit

__all__ = ["mse", "cross_entropy", "SequenceModel", "build_model", "sample", "SGD", "Adam",
           "clip_grad_norm", "grad_norm", "History", "Trainer", "fit"]
