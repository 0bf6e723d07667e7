"""lstm_edu.viz.practice: the chapter's figures hold the right data and work without a kernel.

- ``packing_layout`` against real ``torch.nn.utils.rnn.pack_padded_sequence``: each valid step's
  position in the packed ``data``, ``batch_sizes`` and ``sorted_indices`` (distinct lengths;
  with ties, the batch sizes and the set of positions).
- ``packed_batch_figure``: the grids show those positions, padding is empty, the slider's frames
  highlight exactly the sequences running at each step (no dead control), the book's theme
  and a description are there, and its colours keep 3:1 contrast where they carry meaning.
- ``interval_figure`` and ``cost_figure``: the plotted numbers are the rows' numbers; the cost
  buttons show exactly one sweep (two traces) each.
"""

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from lstm_edu.viz import practice, theme


def luminance(hex_colour):
    rgb = [int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def torch_packing(lengths):
    """position[t, b] read off torch's packed data, batch_sizes and sorted_indices."""
    T, B = max(lengths), len(lengths)
    ids = torch.arange(T * B, dtype=torch.float64).reshape(T, B)         # id = t * B + b
    packed = pack_padded_sequence(ids, torch.tensor(lengths), enforce_sorted=False)
    position = np.full((T, B), -1)
    for k, v in enumerate(packed.data.numpy().astype(int)):
        position[v // B, v % B] = k
    return position, packed.batch_sizes.numpy(), packed.sorted_indices.numpy()


@pytest.mark.parametrize("lengths", [[3, 5, 1, 4], [1], [6, 2, 4, 1, 3], [2, 7]])
def test_packing_layout_is_torch_packing(lengths):
    lay = practice.packing_layout(lengths)
    position, batch_sizes, sorted_indices = torch_packing(lengths)
    assert np.array_equal(lay["position"], position)
    assert np.array_equal(lay["batch_sizes"], batch_sizes)
    assert np.array_equal(lay["sorted_indices"], sorted_indices)


def test_packing_layout_with_ties():
    lengths = [3, 5, 3, 5, 1]
    lay = practice.packing_layout(lengths)
    position, batch_sizes, _ = torch_packing(lengths)
    assert np.array_equal(lay["batch_sizes"], batch_sizes)
    assert np.array_equal(lay["position"] >= 0, position >= 0)
    for t in range(5):             # step t's block of data holds the same positions
        assert sorted(lay["position"][t][lay["position"][t] >= 0]) == \
            sorted(position[t][position[t] >= 0])
    assert list(lay["sorted_indices"]) == [1, 3, 0, 2, 4]                 # stable


def test_packed_batch_figure_data_frames_and_look():
    lengths = [3, 5, 1, 4]
    fig = practice.packed_batch_figure(lengths)
    lay = practice.packing_layout(lengths)
    padded, packed = fig.data
    order = list(lay["sorted_indices"])
    assert list(padded.x) == [f"seq {b}<br>len {lengths[b]}" for b in range(4)]
    assert list(packed.x) == [f"seq {b}<br>len {lengths[b]}" for b in order]
    assert any("batch_sizes = [4, 3, 3, 2, 1]" in a.text for a in fig.layout.annotations)
    text = np.array(packed.text)
    assert np.array_equal(text[:, 0], [str(lay["position"][t, order[0]]) for t in range(5)])
    assert text[1, 3] == ""                                                # seq 2 has 1 step
    assert np.array_equal(np.array(padded.text), np.where(lay["position"] >= 0,
                                                          lay["position"].astype(str), ""))
    assert len(fig.frames) == 5 and len(fig.layout.sliders[0].steps) == 5
    zs = []
    for t, frame in enumerate(fig.frames):
        z = np.array(frame.data[0].z)
        running = np.array(lengths) > t
        assert np.array_equal(z[t] == 2, running)                          # highlighted row
        assert int((np.array(frame.data[1].z)[t] == 2).sum()) == lay["batch_sizes"][t]
        zs.append(z)
    assert all(not np.array_equal(a, b) for a, b in zip(zs, zs[1:], strict=False))
    assert fig.layout.template.layout.font.family == theme.template().layout.font.family
    assert "batch sizes 4, 3, 3, 2, 1" in theme.description(fig)
    # the highlighted and valid cells stay readable: dark ink on them, 4.5:1 for text
    assert contrast(practice.INK, practice.ACTIVE) >= 4.5
    assert contrast(practice.INK, practice.VALID) >= 4.5
    assert contrast(practice.ACTIVE, practice.PAD) >= 1.5


def test_packed_batch_figure_bad_lengths():
    with pytest.raises(ValueError, match="lengths"):
        practice.packed_batch_figure([3, 0])
    with pytest.raises(ValueError, match="lengths"):
        practice.packing_layout([2.5, 1.0])


ROWS = [{"setting": "none", "seeds": 3, "m": {"mean": 0.3, "low": 0.2, "high": 0.4}},
        {"setting": "dropout", "seeds": 3, "m": {"mean": 0.25, "low": 0.22, "high": 0.31}}]
RUNS = [{"setting": "none", "m": v} for v in (0.2, 0.3, 0.4)] + \
    [{"setting": "dropout", "m": v} for v in (0.22, 0.25, 0.28)]


def test_interval_figure_plots_the_rows():
    fig = practice.interval_figure(ROWS, "m", runs=RUNS, x_title="test MSE")
    seeds, means = fig.data
    assert list(seeds.x) == [r["m"] for r in RUNS]
    assert list(means.x) == [0.3, 0.25] and list(means.y) == ["none", "dropout"]
    np.testing.assert_allclose(means.error_x.array, [0.1, 0.06])
    np.testing.assert_allclose(means.error_x.arrayminus, [0.1, 0.03])
    assert "dropout: 0.25 [0.22, 0.31]" in theme.description(fig)
    with pytest.raises(ValueError, match="rows"):
        practice.interval_figure([{"setting": "x"}], "m")


def test_cost_figure_buttons_show_one_sweep_each():
    rows = [{"varied": v, "T": t, "H": 8, "B": 2, "layers": 1, "lstm_edu ms": 2.0 * t,
             "torch ms": 1.0 * t, "ratio": 2.0} for v in ("T", "B") for t in (10, 20)]
    rows[-1]["ratio"] = 3.0
    fig = practice.cost_figure(rows)
    assert len(fig.data) == 4 and [tr.visible for tr in fig.data] == [True, True, False, False]
    assert list(fig.data[0].y) == [20.0, 40.0] and list(fig.data[1].y) == [10.0, 20.0]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["T", "B"]
    assert buttons[1].args[0]["visible"] == [False, False, True, True]
    assert "2.0 to 3.0 times" in theme.description(fig)
