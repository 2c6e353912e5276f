"""One module per upstream repo of the sample mirror; see scripts/make_samples.py."""
