"""Plumbing shared by the Dagster assets, the benchmark and the scan CLI: gather training texts
from the normalized parts, gather benchmark views, run the detector and build the report.

Decontamination is per-source work: a *unit* is one source, or one hash partition of a big
source (`decontamination.hash_partitions: {source: N}` in the recipe; rows go to partition
`int(id[:8], 16) % N`, so no step holds more than ~1/N of the source). Each unit writes its own
outputs under `decontam/sources/<unit>/` (`matches.parquet`, `stats.json`, and any further
per-batch output of `PER_UNIT_OUTPUTS`); `union_outputs` concatenates them into
`decontam/<output>.parquet`, which is what the mix and the catalog read. An unchanged source
is not recomputed, and its texts' embeddings stay in the content-hashed cache.

Detection is a function of a row's texts alone, so a unit also keeps what the detector found for
every text it checked (`checked.parquet`: text key, view, method, score, lexical; kind `match`,
`near` or `none`), under a fingerprint of the benchmark views, the recipe's decontamination
settings, the model and the detector's code. A rerun with the same fingerprint detects only the rows whose texts
are new (one changed upstream record: one row) and rebuilds the report from the stored findings.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from bagel_data.decontam.benchmarks import VIEWS, read_benchmark
from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.detect import MATCH_SCHEMA, Detector
from bagel_data.decontam.embed import Embedder, EmbedStats
from bagel_data.decontam.judge import judge_review
from bagel_data.decontam.report import REPORT, REVIEW, build_report, build_review, empty_report, empty_review, with_judged
from bagel_data import ids, schema
from bagel_data.recipe import Recipe
from bagel_data.settings import Settings
from bagel_data.storage import Layout, code_digest, write_json, write_parquet

TRAIN_COLUMNS = {"train_id": pl.String, "source": pl.String, "row_key": pl.String, "text": pl.String, "embed_text": pl.String}


def _with_system(system: pl.Expr, text: pl.Expr) -> pl.Expr:
    return pl.when(system.is_null() | (system.str.strip_chars() == "")).then(text).otherwise(system + "\n\n" + text)


def instruction_texts(path: Path) -> pl.LazyFrame:
    """Training text of instruction rows: system prompt (if any) + first user turn; embedded: the user turn."""
    user = pl.col("conversation").list.first().struct.field("content")
    return pl.scan_parquet(path).select(
        pl.col("id").alias("train_id"), "source", "row_key", _with_system(pl.col("system"), user).alias("text"), user.alias("embed_text")
    )


def preference_texts(path: Path) -> pl.LazyFrame:
    return pl.scan_parquet(path).select(
        pl.col("id").alias("train_id"), "source", "row_key", _with_system(pl.col("system"), pl.col("prompt")).alias("text"), pl.col("prompt").alias("embed_text")
    )


def partition_of(column: pl.Expr, parts: int) -> pl.Expr:
    """Stable hash partition of a row id (16 hex chars of blake2b): first 32 bits modulo `parts`."""
    return column.str.slice(0, 8).str.to_integer(base=16, strict=False).fill_null(0) % parts


def training_texts(layout: Layout, sources: list[str], partition: tuple[int, int] | None = None) -> pl.DataFrame:
    """Every checked training row of the given sources (instructions and preference prompts);
    with `partition` = (k, N), only the rows of hash partition k of N."""
    frames = []
    for name in sources:
        for part, reader in (("instructions", instruction_texts), ("preferences", preference_texts)):
            path = layout.normalized(name, part)
            if path.is_file():
                frame = reader(path)
                if partition is not None and partition[1] > 1:
                    frame = frame.filter(partition_of(pl.col("train_id"), partition[1]) == partition[0])
                frames.append(frame)
    if not frames:
        return pl.DataFrame(schema=TRAIN_COLUMNS)
    return pl.concat(frames).collect(engine="streaming").cast(TRAIN_COLUMNS).filter(pl.col("text").is_not_null())


# --- per-source units ----------------------------------------------------------------------

UNITS_DIR = "sources"
PER_UNIT_OUTPUTS = {"matches": REPORT, "review": REVIEW}  # output name -> schema; each unit writes <unit>/<name>.parquet


@dataclass(frozen=True)
class Unit:
    """One decontamination step: a source, or hash partition `part` of `parts` of it."""

    source: str
    part: int = 0
    parts: int = 1

    @property
    def name(self) -> str:
        return self.source if self.parts == 1 else f"{self.source}.p{self.part}of{self.parts}"

    @property
    def partition(self) -> tuple[int, int] | None:
        return None if self.parts == 1 else (self.part, self.parts)


def units(recipe: Recipe) -> list[Unit]:
    """Every unit of the recipe's enabled sources, in source order."""
    partitions = (recipe.decontamination or {}).get("hash_partitions") or {}
    out = []
    for spec in recipe.enabled_sources():
        n = int(partitions.get(spec.name, 1))
        if n < 1:
            raise ValueError(f"decontamination.hash_partitions.{spec.name} must be >= 1, got {n}")
        out += [Unit(spec.name, k, n) for k in range(n)]
    return out


def unit_dir(layout: Layout, unit: Unit | str) -> Path:
    return layout.decontam_dir / UNITS_DIR / (unit if isinstance(unit, str) else unit.name)


_DETECTORS: dict[tuple, Detector] = {}  # one indexed detector per process (views, config, model)


def _views_fingerprint(views: pl.DataFrame) -> int:
    return int(views.drop("segments", strict=False).hash_rows(seed=0).sum()) ^ views.height


def shared_detector(views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None) -> tuple[Detector, bool]:
    """(detector, built now): the benchmark index is built once per process and reused by every
    unit that runs there (in-process runs, the benchmark); a step process builds it once."""
    key = (_views_fingerprint(views), repr(config), None if embedder is None else (embedder.model_id, str(embedder.cache_dir), embedder.device, embedder.batch_size, embedder.max_seq_length))
    detector = _DETECTORS.get(key)
    if detector is not None:
        return detector, False
    _DETECTORS.clear()
    detector = _DETECTORS[key] = Detector(views, config, embedder if config.embedding else None)
    return detector, True


# the code whose findings a unit keeps (`checked.parquet`): a new version of it detects again
DETECTOR_MODULES = tuple(f"decontam/{m}.py" for m in ("answers", "candidates", "config", "confirm", "detect", "embed", "normalize", "shingles"))
CHECKED_SCHEMA = {"text_key": pl.String, "kind": pl.String, "view": pl.Int64, "method": pl.String, "score": pl.Float64, "lexical": pl.Float64}


def detector_fingerprint(views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None) -> str:
    """What the detector's findings for a text depend on: the views, the settings, the model, the code."""
    model = None if embedder is None or not config.embedding else (embedder.model_id, embedder.max_seq_length)
    return hashlib.blake2b(repr((_views_fingerprint(views), repr(config), model, code_digest(DETECTOR_MODULES))).encode(), digest_size=12).hexdigest()


def _text_keys(train: pl.DataFrame) -> pl.Series:
    """A key per training row for its checked texts (text and embedded text)."""
    return ids.text_ids(train["text"] + "\x1f" + train["embed_text"].fill_null("")).alias("text_key")


def _load_checked(folder: Path, fingerprint: str) -> pl.DataFrame | None:
    """The unit's stored findings, when they were made with this fingerprint."""
    try:
        if json.loads((folder / "stats.json").read_text()).get("detector") != fingerprint:
            return None
        return pl.read_parquet(folder / "checked.parquet").cast(CHECKED_SCHEMA)
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None


def _findings(found: pl.DataFrame, kind: str, keys: pl.Series) -> pl.DataFrame:
    """Detector rows (row, view, ...) as stored findings keyed by the row's text key."""
    return found.with_columns(keys.gather(found["row"]).alias("text_key"), pl.lit(kind).alias("kind")).select(list(CHECKED_SCHEMA)).cast(CHECKED_SCHEMA)


def _detect_new_texts(
    train: pl.DataFrame, known: pl.DataFrame | None, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    """(matches, near, checked, stats) for every row of `train`: rows whose text key is in `known`
    (stored findings) take them, the others are detected; `checked` is the findings of every
    current text, to store."""
    keys = _text_keys(train)
    known = known if known is not None else pl.DataFrame(schema=CHECKED_SCHEMA)
    todo = ~keys.is_in(known["text_key"].unique().implode())
    matches, near, stats = detect_raw(train.filter(todo), views, config, embedder, reuse_index=True)
    new_keys = keys.filter(todo)
    none = pl.DataFrame({"text_key": new_keys.unique(), "kind": "none"}).cast({"text_key": pl.String})
    fresh = pl.concat([_findings(matches, "match", new_keys), _findings(near, "near", new_keys), none], how="diagonal_relaxed").cast(CHECKED_SCHEMA)
    current = known.join(pl.DataFrame({"text_key": keys.unique()}), on="text_key", how="semi")
    checked = pl.concat([current, fresh]).unique(maintain_order=True).sort(["text_key", "kind", "view", "method"], nulls_last=True)
    positions = pl.DataFrame({"text_key": keys, "row": pl.int_range(train.height, dtype=pl.Int64, eager=True)})
    detected = int(todo.sum())
    stats.update(rows_checked=train.height, rows_detected=detected, rows_reused=train.height - detected)
    return _rows_of(checked, positions, "match"), _rows_of(checked, positions, "near"), checked, stats


def _rows_of(checked: pl.DataFrame, positions: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Stored findings of one kind as detector rows of every training row holding that text."""
    mine = checked.filter(pl.col("kind") == kind).join(positions, on="text_key")
    return mine.select(list(MATCH_SCHEMA)).cast(MATCH_SCHEMA).sort(["row", "view", "method"])


def _outcome_stats(report: pl.DataFrame, review: pl.DataFrame) -> dict:
    return {"contaminated_rows": report.select("source", "row_key").n_unique(), "review_pairs": review.height,
            "judged_contaminated": int((review["decision"] == "contaminated").sum())}


def decontaminate_unit(layout: Layout, unit: Unit, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None) -> tuple[pl.DataFrame, dict]:
    """Check one unit's training rows and write its outputs; (report, stats). Rows whose texts the
    unit checked before under the same detector fingerprint are not detected again."""
    train = training_texts(layout, [unit.source], unit.partition)
    folder = unit_dir(layout, unit)
    fingerprint = None
    if not config.enabled or train.height == 0 or views.height == 0:
        report, review, stats = empty_report(), empty_review(), {"rows_checked": train.height, "contaminated_rows": 0}
        checked = pl.DataFrame(schema=CHECKED_SCHEMA)
    else:
        fingerprint = detector_fingerprint(views, config, embedder)
        matches, near, checked, stats = _detect_new_texts(train, _load_checked(folder, fingerprint), views, config, embedder)
        report, review = report_and_review(matches, near, train, views, config)
        stats.update(_outcome_stats(report, review))
    write_parquet(schema.conform(report, REPORT), folder / "matches.parquet")
    write_parquet(schema.conform(review, REVIEW), folder / "review.parquet")
    write_parquet(checked.to_arrow(), folder / "checked.parquet")
    by_label = train.group_by("source").len()  # rows checked per output source label (airoboros_<category>, ...)
    stats = {"unit": unit.name, "source": unit.source, "part": unit.part, "parts": unit.parts, "detector": fingerprint,
             "checked_by_label": dict(zip(by_label["source"].to_list(), by_label["len"].to_list())), **stats}
    write_json(stats, folder / "stats.json")  # last: its fingerprint vouches for checked.parquet
    return report, stats


def read_unit_stats(layout: Layout, names: list[str]) -> list[dict]:
    return [json.loads((unit_dir(layout, n) / "stats.json").read_text()) for n in names]


def union_outputs(layout: Layout, names: list[str], output: str = "matches") -> tuple[pl.DataFrame, Path]:
    """Concatenate one output of the given units (in order) into `decontam/<output>.parquet`."""
    target = PER_UNIT_OUTPUTS[output]
    paths = [unit_dir(layout, n) / f"{output}.parquet" for n in names]
    missing = [str(p) for p in paths if not p.is_file()]
    if output == "review":  # units written before the review table existed have none: no borderline pairs
        paths = [p for p in paths if p.is_file()]
        missing = [str(unit_dir(layout, n) / "matches.parquet") for n in names if not (unit_dir(layout, n) / "matches.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"decontamination output missing (materialize its unit first): {missing[:3]}")
    frames = [pl.read_parquet(p) for p in paths]
    union = pl.concat(frames) if frames else pl.from_arrow(schema.empty(target))
    if output in ("matches", "review"):  # the order one report over every source would have
        union = union.sort(["source", "row_key", "benchmark"], maintain_order=True)
    path = write_parquet(schema.conform(union, target, f"decontamination {output}"), layout.decontam_dir / f"{output}.parquet")
    return union, path


def benchmark_views(recipe: Recipe, settings: Settings, *, from_layout: bool = False) -> pl.DataFrame:
    """Views of every recipe benchmark: read from the benchmark assets' files, or from upstream."""
    frames = []
    for name, spec in recipe.benchmarks.items():
        path = Layout(settings.home).benchmark(name)
        frames.append(pl.read_parquet(path) if from_layout else read_benchmark(spec, settings)[0])
    return pl.concat(frames) if frames else pl.from_arrow(schema.empty(VIEWS))


def find_contamination(
    train: pl.DataFrame, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None, *, reuse_index: bool = False
) -> tuple[pl.DataFrame, dict]:
    """(report, stats) for `train` (TRAIN_COLUMNS) against `views`; `reuse_index` takes the
    process's shared detector for these views (its embedder's counters are reported as deltas)."""
    report, _review, stats = find_contamination_and_review(train, views, config, embedder, reuse_index=reuse_index)
    return report, stats


def find_contamination_and_review(
    train: pl.DataFrame, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None, *, reuse_index: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(report, review, stats): also the borderline pairs (contamination_review), decided by the
    recipe's judge when it is on; a pair it decides contaminated joins the report (method "judge")."""
    if not config.enabled or train.height == 0 or views.height == 0:
        return empty_report(), empty_review(), {"rows_checked": train.height, "contaminated_rows": 0}
    matches, near, stats = detect_raw(train, views, config, embedder, reuse_index=reuse_index)
    report, review = report_and_review(matches, near, train, views, config)
    stats.update(_outcome_stats(report, review))
    return report, review, stats


def report_and_review(matches: pl.DataFrame, near: pl.DataFrame, train: pl.DataFrame, views: pl.DataFrame, config: DecontamConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The report and the review list from detector rows (row = position in `train`)."""
    report = build_report(matches, train, views)
    review = judge_review(build_review(near, train, views, report), config.judge)
    return with_judged(report, review), review


def detect_raw(
    train: pl.DataFrame, views: pl.DataFrame, config: DecontamConfig, embedder: Embedder | None, *, reuse_index: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(matches, near, stats): the detector's rows (row = position in `train`) and its counters;
    `reuse_index` takes the process's shared detector for these views (its embedder's counters are
    reported as deltas)."""
    if train.height == 0:  # every row's findings were stored: nothing to detect, nothing embedded
        empty = pl.DataFrame(schema=MATCH_SCHEMA)
        stats = {"rows_checked": 0, "views": views.height, "index_seconds": 0.0, "seconds": 0.0, "embedded_rows": 0}
        if embedder is not None and config.embedding:
            stats["embedding_total"] = EmbedStats().as_dict()
        return empty, empty, stats
    started = time.perf_counter()
    if reuse_index:
        detector, built = shared_detector(views, config, embedder)
    else:
        detector, built = Detector(views, config, embedder if config.embedding else None), True
    embedder = detector.embedder
    index_embed = embedder.last.as_dict() if embedder is not None and built else {}
    before_stats = replace(detector.stats, seconds=dict(detector.stats.seconds))
    before_embed = replace(embedder.stats) if embedder is not None else None
    detector.take_near()  # a shared detector's borderline pairs of an earlier unit
    matches = detector.detect(train["text"], train["embed_text"].fill_null(train["text"]))
    near = detector.take_near()
    now = detector.stats
    stats = {
        "rows_checked": train.height,
        "views": views.height,
        "index_seconds": round(detector.index_seconds, 2) if built else 0.0,
        "seconds": round(time.perf_counter() - started, 2),
        "ngram_matched_rows": now.ngram_matched - before_stats.ngram_matched,
        "embedded_rows": now.embedded - before_stats.embedded,
        "embedding_matched_rows": now.embedding_matched - before_stats.embedding_matched,
        "answer_matched_rows": now.answer_matched - before_stats.answer_matched,
        "stage_seconds": {k: round(v - before_stats.seconds.get(k, 0.0), 2) for k, v in now.seconds.items()},
    }
    if embedder is not None:
        total = replace(embedder.stats)
        for name in ("texts", "cache_hits", "encoded", "seconds"):
            setattr(total, name, getattr(total, name) - getattr(before_embed, name))
        stats["embedding_index"] = index_embed
        stats["embedding_total"] = total.as_dict()
    return matches, near, stats
