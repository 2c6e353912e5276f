"""Reading upstream data in three modes through one entry point, `read_upstream`.

- samples: the hub-layout mirror shipped in `data/samples/` (the default);
- mirror:  a local folder laid out as `huggingface-cli download <id> --repo-type dataset
           --local-dir <mirror>/<id>` leaves it (non-hub origins at `<mirror>/<origin path>`);
- hub:     `datasets.load_dataset` at the recipe's pinned revision (non-hub origins by URL).

Whatever the mode, callers get a `RawData`: a Polars frame of upstream rows with their original
field names plus a `__row_key` column, and the rows that could not even be parsed.
"""

from bagel_data.reading.core import RawData, ReadError, read_upstream

__all__ = ["RawData", "ReadError", "read_upstream"]
