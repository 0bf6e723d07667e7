"""Sequence to sequence: an LSTM encoder-decoder with additive attention, from scratch.

What it covers, one module per idea:

============  ==============================================================================
``batch``     token ids PAD = 0, BOS = 1, EOS = 2; checks of src (S, B) and tgt (U, B)
``attention`` additive attention (Bahdanau et al. 2015): scores, masked softmax, context, backward
``model``     ``Seq2Seq``: embeddings, encoder (``StackedLSTM``, optionally bidirectional),
              decoder (``LSTM``), read-out, masked cross-entropy, hand-written backward
``decode``    free running: greedy, beam search, attention of a decoding, log p(output)
``train``     ``fit_seq2seq`` (Adam, teacher forcing), exact match, accuracy by position
============  ==============================================================================

Shapes: S source steps, U target steps, B batch, H hidden size; see each module.
"""

from lstm_edu.seq2seq.batch import BOS, EOS, PAD
from lstm_edu.seq2seq.model import Seq2Seq, Seq2SeqTrace
from lstm_edu.seq2seq.train import exact_match, fit_seq2seq, token_accuracy_by_position

__all__ = ["Seq2Seq", "Seq2SeqTrace", "fit_seq2seq", "exact_match",
           "token_accuracy_by_position", "PAD", "BOS", "EOS"]
