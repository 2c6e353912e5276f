"""Decontamination: find training rows that contain, copy or reword benchmark test items.

- `benchmarks.py` turns each benchmark's rows into indexed *views* (question, question + choices, ...);
- `normalize.py` makes texts comparable (NFKC, case, punctuation, whitespace) and splits words;
- `shingles.py` measures rarity-weighted containment of a view's word n-grams in a text (copies),
  and with n = 1 the overlap of rare words;
- `embed.py` gives cached sentence embeddings (and cheap static vectors for a prefilter);
- `answers.py` reads an item's answer keys (numbers, defined function names);
- `candidates.py` picks the (row, item) pairs worth a model pass (rare words, answer keys, length);
- `confirm.py` holds the checks a match on meaning must also pass (options, numbers, minimal pairs);
- `detect.py` layers them: exact / sentence / n-gram matches, then candidate pairs embedded and
  checked by the recipe's rules (cosine, rare-word overlap, length guard, ...); `config.py` reads
  those settings;
- `report.py` and `run.py` build the matches report and the benchmark x source summary for the
  Dagster assets; `scan.py` is the `bagel-data scan` CLI for any training file.
"""
