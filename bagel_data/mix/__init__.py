"""The mix: normalized sources → the SFT and DPO training products (Parquet shards + manifest).

Pure functions over Polars/Arrow, no Dagster: `select` (decontamination removals, priority
dedup, caps, weights, strata), `plan` (k-of-n formats, one record per training row, shuffle
keys), `parts` (one source's plan, sorted by shuffle key, cached by fingerprint), `render`
(expand formats, one key-range bucket of every source at a time), `spill` (key-range buckets),
`merge` (buckets into shards, reusing unchanged ones), `shards` (writer), `manifest`, `checks`,
and `build.build_product` tying them together. Memory is bounded by the selected source rows
(which the recipe's caps bound) plus a few buckets of output rows, not by the upstream size.
Output layout and manifest: OUTPUT.md.
"""

from bagel_data.mix.build import BuildReport, MixCheckError, build_product
from bagel_data.mix.checks import CheckOutcome, check_manifest, validate
from bagel_data.mix.config import MixConfig, mix_config
from bagel_data.mix.select import MixInputError

__all__ = ["BuildReport", "CheckOutcome", "MixCheckError", "MixConfig", "MixInputError", "build_product", "check_manifest", "mix_config", "validate"]
