"""A live loss curve for the training loop, in a Jupyter kernel.

What it covers: ``LiveLossPlot``, a callback for ``lstm_edu.training.fit`` that redraws a plain
plotly figure (``lstm_edu.viz.plots.loss_curve``) in an ipywidgets ``Output`` at most every
``interval`` seconds; outside a kernel it draws nothing and costs nothing. ``in_kernel()`` tells
which case applies. What it does not cover: the loop itself (``lstm_edu.training.trainer``).
"""

from __future__ import annotations

import time

__all__ = ["LiveLossPlot", "in_kernel"]


def in_kernel() -> bool:
    """True inside a running IPython kernel (Jupyter, Binder, nbclient), else False."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


class LiveLossPlot:
    """Callback: a live loss curve in a Jupyter kernel, redrawn at most every ``interval`` s.

    In a kernel it shows an ipywidgets ``Output`` and redraws a plain plotly figure
    (``lstm_edu.viz.plots.loss_curve``) into it; errors in drawing are shown inside the
    ``Output`` instead of vanishing. At the end it closes the widget and, if ``show_final``,
    displays the final figure as an ordinary output, so a static (kernel-free) book page keeps
    the final curve and shows no dead widget. Outside a kernel it does nothing, except keep the
    final figure in ``.figure``.
    """

    def __init__(self, interval: float = 1.0, metric: str | None = None, log_y: bool = True,
                 show_final: bool = True, title: str | None = None):
        self.interval = float(interval)
        self.metric = metric
        self.log_y = log_y
        self.show_final = show_final
        self.title = title
        self.out = None
        self.figure = None
        self._last = 0.0
        self.draws = 0

    def _fig(self, history):
        from lstm_edu.viz.plots import loss_curve

        return loss_curve(history, metric=self.metric, log_y=self.log_y, title=self.title)

    def on_train_begin(self, trainer):
        if not in_kernel():
            return
        try:
            import ipywidgets as W
            from IPython.display import display
        except ImportError:
            return
        self.out = W.Output()
        display(self.out)
        self._last = 0.0

    def _draw(self, trainer, force=False):
        if self.out is None:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        from IPython.display import clear_output, display

        with self.out:
            try:
                clear_output(wait=True)
                display(self._fig(trainer.history))
                self.draws += 1
            except Exception as e:  # shown in the Output, not lost
                print(f"LiveLossPlot: {type(e).__name__}: {e}")

    def on_step_end(self, trainer):
        self._draw(trainer)

    def on_eval_end(self, trainer):
        self._draw(trainer)

    def on_train_end(self, trainer):
        self.figure = self._fig(trainer.history)
        if self.out is None:
            return
        from IPython.display import display

        self.out.close()
        self.out = None
        if self.show_final:
            display(self.figure)
