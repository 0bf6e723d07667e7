"""lstm_edu.cost: multiply-adds counted three ways, and the memory a forward trace keeps.

- ``count_macs`` (lstm_edu's reference loops on a counting array) equals the closed form
  T * B * G * H * (I + H) and torch's own ``FlopCounterMode`` over ``torch.nn.LSTMCell`` /
  ``GRUCell`` / ``RNNCell`` loops (FLOPs / 2); the backward pass counts exactly twice.
- ``macs_per_step`` of a stack is the sum of its layers' and directions' closed forms, layers
  above the first reading D * H numbers.
- ``trace_bytes``: views count once; an LSTM trace grows by 8 * T * B * (7H + I) bytes per T
  extra steps (float64: the four gates, c, tanh(c) and h per step, and the input).
"""

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from lstm_edu import LSTM, StackedLSTM
from lstm_edu.cost import count_macs, macs_per_step, trace_bytes

BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}
CELLS = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn": torch.nn.RNNCell}


def torch_macs(kind, T, B, I, H):
    cell = CELLS[kind](I, H)
    x = torch.randn(T, B, I)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        state = (torch.zeros(B, H), torch.zeros(B, H)) if kind == "lstm" else torch.zeros(B, H)
        for t in range(T):
            state = cell(x[t], state)
    return counter.get_total_flops() // 2


@pytest.mark.parametrize("kind", list(BLOCKS))
@pytest.mark.parametrize("T,B,I,H", [(7, 2, 3, 5), (4, 1, 1, 9), (3, 5, 12, 2)])
def test_counts_agree(kind, T, B, I, H):
    closed = T * B * BLOCKS[kind] * H * (I + H)
    counted = count_macs(kind, T, B, I, H)
    assert counted["forward"] == closed == torch_macs(kind, T, B, I, H)
    assert counted["backward"] == 2 * closed
    assert macs_per_step(kind, I, H) * T * B == closed


def test_stack_formula():
    I, H = 7, 5
    assert macs_per_step("lstm", I, H, num_layers=3, bidirectional=True) == \
        2 * 4 * H * (I + H) + 2 * 2 * 4 * H * (2 * H + H)
    assert macs_per_step("gru", I, H, num_layers=2) == 3 * H * (I + H) + 3 * H * (H + H)
    with pytest.raises(ValueError, match="kind"):
        macs_per_step("transformer", I, H)


def test_trace_bytes_grow_as_t_b_h():
    I, H, B = 3, 6, 4
    model = LSTM(I, H, seed=0)

    def size(T):
        return trace_bytes(model.forward(np.zeros((T, B, I))))

    assert size(20) - size(10) == size(30) - size(20) == 8 * 10 * B * (7 * H + I)
    tr = model.forward(np.zeros((10, B, I)))
    views = sum(a.nbytes for a in (tr.h, tr.c, *tr.gates.values()))
    assert trace_bytes(tr) < trace_bytes(tr.cache) + views            # views not counted twice
    net = StackedLSTM(I, H, num_layers=2, bidirectional=True, seed=0)
    one, two = (trace_bytes(net.forward(np.zeros((T, B, I)))) for T in (10, 20))
    assert two - one >= 4 * 8 * 10 * B * 7 * H                       # 4 layer-directions
