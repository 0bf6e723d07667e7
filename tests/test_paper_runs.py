"""The 1997 configurations and the paper-rule training loop (lstm_edu.training.paper)."""

import numpy as np
import pytest

from lstm_edu import LSTM, RNN
from lstm_edu.data import paper_tasks as P
from lstm_edu.training import paper
from lstm_edu.variants import LSTMVariant


def test_the_1997_network_is_built_as_the_paper_says():
    net = paper.build("lstm_1997", 2, 4, "adding", seed=0)
    assert isinstance(net, LSTMVariant) and net.variant == "nfg" and net.truncated
    H = 4
    i_bias = net.params["bias_ih"][:H] + net.params["bias_hh"][:H]    # nfg blocks: i, g, o
    np.testing.assert_array_equal(i_bias, [-3.0, -3.0, -6.0, -6.0])   # Table 10, Exp. 4
    for key in ("weight_ih", "weight_hh"):
        assert np.abs(net.params[key]).max() <= 0.1                   # "[-0.1, 0.1]"
    six_b = paper.build("lstm_1997", 8, 6, "temporal_order_6b", seed=0)
    np.testing.assert_array_equal(six_b.params["bias_ih"][:6], [-2, -2, -4, -4, -6, -6])


def test_the_other_configurations():
    assert not paper.build("lstm_1997_full_grad", 2, 4, "adding", 0).truncated
    no_igb = paper.build("lstm_1997_no_igb", 2, 4, "adding", 0)
    assert np.abs(no_igb.params["bias_ih"][:4]).max() <= 0.1          # no negative biases
    modern = paper.build("lstm", 2, 4, "adding", 0)
    assert type(modern) is LSTM
    f = slice(4, 8)                                                    # torch order i, f, g, o
    np.testing.assert_array_equal(modern.params["bias_ih"][f] + modern.params["bias_hh"][f], 1.0)
    assert type(paper.build("rnn", 2, 4, "adding", 0)) is RNN
    with pytest.raises(ValueError, match=r"config: expected one of .*got 'gru'"):
        paper.build("gru", 2, 4, "adding", 0)
    with pytest.raises(ValueError, match=r"task: expected one of .*got 'reber'"):
        paper.paper_run("reber", "lstm", 0)


def test_an_unsolved_run_spends_its_budget_and_reports_the_papers_rule():
    r = paper.paper_run("adding", "rnn", 0, T=20, max_sequences=2_400)
    assert not r["solved"] and r["sequences"] == 2_400
    assert r["details"]["n_recent"] == P.RECENT_WINDOW and r["details"]["n_wrong"] > 0
    assert 0 < r["recent_mse"] < 1 and r["cpu_seconds"] > 0


def test_a_solved_run_meets_the_papers_rule_on_its_last_2000_sequences():
    r = paper.paper_run("adding", "lstm_1997", 0, T=20, max_sequences=40_000)
    assert r["solved"] and r["sequences"] < 40_000
    d = r["details"]
    assert d["n_wrong"] == 0 and d["max_abs_error"] < P.ADDING_TOLERANCE
    assert d["mean_train_error"] < 0.01


def _row(task, T, config, k, n, seqs=None, paper_row=None):
    from lstm_edu.training.stats import bootstrap_ci, wilson_ci
    return {"task": task, "T": T, "config": config, "runs": n, "solved": k,
            "solved_ci": wilson_ci(k, n), "sequences_mean": float(np.mean(seqs)) if seqs else None,
            "sequences_ci": bootstrap_ci(seqs) if seqs and len(seqs) > 1 else None,
            "paper": paper_row}


def test_table_rows_lay_out_one_row_per_length_like_the_paper():
    result = {"table": [
        _row("adding", 100, "lstm_1997", 10, 10, [20_000] * 10, {"sequences": 74_000}),
        _row("adding", 100, "rnn", 0, 10, None, {"sequences": 74_000}),
        _row("adding", 500, "lstm_1997", 5, 5, [30_000, 40_000, 50_000, 30_000, 50_000],
             {"sequences": 209_000}),
    ]}
    rows = paper.table_rows(result, "adding", ["lstm_1997", "rnn"])
    assert [r["T"] for r in rows] == [100, 500]
    assert rows[0]["paper: sequences"] == 74_000 and rows[1]["paper: sequences"] == 209_000
    # Wilson 95 % for 10/10 is [72 %, 100 %]; all ten at 20,000 give a zero-width interval
    assert rows[0]["1997 LSTM"] == "10/10 (72–100 %); 20,000 [20,000, 20,000]"
    assert rows[0]["RNN"] == "0/10 (0–28 %)"
    assert rows[1]["RNN"] == "not run"
    assert [r["T"] for r in paper.table_rows(result, "adding", ["rnn"], Ts=[100])] == [100]
    assert rows[1]["1997 LSTM"].startswith("5/5 (57–100 %); 40,000 [")
    with pytest.raises(KeyError, match="no runs for task='multiplication'"):
        paper.table_rows(result, "multiplication", ["lstm"])


def test_book_rows_show_each_setting_with_its_intervals():
    from lstm_edu.training.stats import bootstrap_ci, wilson_ci
    result = {"book": {"forget_gate": {"table": [
        {"setting": "forget bias 1", "runs": 10, "solved": 10, "solved_ci": wilson_ci(10, 10),
         "sequences_ci": bootstrap_ci([4_000] * 10), "final_mse_ci": bootstrap_ci([0.002] * 10),
         "params": 4641},
        {"setting": "no forget gate", "runs": 10, "solved": 1, "solved_ci": wilson_ci(1, 10),
         "sequences_ci": None, "final_mse_ci": bootstrap_ci([0.1, 0.2]), "params": 3489}]}}}
    rows = paper.book_rows(result, "forget_gate")
    assert rows[0] == {"setting": "forget bias 1", "solved": "10/10 (72–100 %)",
                       "sequences to MSE < 0.01": "4,000 [4,000, 4,000]",
                       "test MSE at the budget": "0.0020 [0.0020, 0.0020]", "parameters": 4641}
    assert rows[1]["solved"] == "1/10 (2–40 %)" and rows[1]["sequences to MSE < 0.01"] is None
    assert rows[1]["test MSE at the budget"].startswith("0.1500 [0.1000, ")
    with pytest.raises(KeyError, match="no book comparison 'ablation'"):
        paper.book_rows(result, "ablation")
