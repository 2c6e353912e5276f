"""Decontamination: find training rows that contain, copy or paraphrase benchmark test items.

Layers, combined in `detect.py`:
- `benchmarks.py` turns each benchmark's rows into indexed *views* (question, question + choices, ...);
- `normalize.py` makes texts comparable (NFKC, case, punctuation, whitespace) and tokenizes them;
- `shingles.py` finds copies: rarity-weighted containment of a view's word n-grams in a training text;
- `embed.py` + `neighbours.py` find rewordings: cached sentence embeddings, faiss nearest views,
  confirmed by rarity-weighted word overlap (`shingles.py` with n = 1);
- `report.py` writes the matches and the benchmark x source summary; `scan.py` is the CLI for any file.
"""
