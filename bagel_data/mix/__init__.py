"""The mix: normalized sources → the SFT and DPO training products (Parquet shards + manifest).

Pure functions over Polars/Arrow, no Dagster: `select` (decontamination removals, priority
dedup, caps, weights, strata), `plan` (k-of-n formats, one record per training row, shuffle
keys), `render` (expand formats chunk by chunk), `parts` (one source's rendered rows, sorted by
shuffle key, cached by fingerprint), `spill` (key-range buckets), `shards` (streaming writer), `manifest`, `checks`, and
`build.build_product` tying them together. Memory is bounded by one source's selected rows plus
one chunk/bucket of output rows, not by the mix. Output layout and manifest: OUTPUT.md.
"""

from bagel_data.mix.build import BuildReport, MixCheckError, build_product
from bagel_data.mix.checks import CheckOutcome, check_manifest, validate
from bagel_data.mix.config import MixConfig, mix_config
from bagel_data.mix.select import MixInputError

__all__ = ["BuildReport", "CheckOutcome", "MixCheckError", "MixConfig", "MixInputError", "build_product", "check_manifest", "mix_config", "validate"]
