"""gutenberg: Project Gutenberg books (recipe `options.books`, id → title) → one text row per chapter.

Each book is one file, `<mirror>/gutenberg/<mirror_file>` (hub mode: `url` + `url_file`); a missing
book raises ReadError. All books are split into lines in one Polars frame; the text between the
START and END markers (2018-era, current and 1990s wordings) is kept. A heading opens a paragraph
of at most `max_heading_chars` after a blank line and names a chapter ("CHAPTER 4.", "Chapter IX",
"Letter 2", "STAVE ONE", a bare numeral, "Epilogue") or a part ("PART ONE--", "BOOK TWO"); parts
only separate chapters unless a book has no chapter headings. A row is a chapter's text without
its heading paragraph, as the original's chapterize gave it (option `keep_heading: true`: with it).

Dropped (a reject when they hold text): front matter, unless `min_front_matter_chars` long (an
unheaded prologue: row #000, "Produced by" credit removed); part headings; contents entries (runs
of chapter headings under `min_chapter_chars`, and the entry after a run when it and the run recur
later: it swallowed what follows the contents); other chapters under `min_chapter_chars`.
Rows are keyed `<file>#<chapter number>`, rejects `<file>:<line>`.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from bagel_data.reading import RawData, read_upstream
from bagel_data.sources.base import ROW_KEY, Converted, SourceContext, finish_texts
from bagel_data.sources.dedupe import keep_first_id

START = r"(?i)^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?(?:BOOK|TEXT)|^\s*\*END\*THE SMALL PRINT"
END = r"(?i)^\s*\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?(?:BOOK|TEXT)|^\s*END OF (?:THE |THIS )?PROJECT GUTENBERG"
_ROMAN = r"(?:C?(?:XC|XL|L?X{1,3}|L)(?:IX|IV|V?I{0,3})|C?(?:IX|IV|V|V?I{1,3})|C)"  # 1-199, never empty
_NUMBER = rf"(?:\d+|{_ROMAN}|(?:[Tt]he |THE )?[A-Z][A-Za-z]+)"
CHAPTER = rf"^(?:(?:CHAPTER|Chapter|LETTER|Letter|STAVE|Stave)\s+{_NUMBER}\b|(?:{_ROMAN}|\d{{1,3}})\.?$|(?:EPILOGUE|Epilogue|PROLOGUE|Prologue)\.?$)"
PART = rf"^(?:PART|Part|BOOK|Book|VOLUME|Volume)\s+{_NUMBER}\b"
CREDIT = "Produced by"

DEFAULT_MIRROR_FILE = "{id}-0.txt"
DEFAULT_URL_FILE = "{id}/{id}-0.txt"


def read_books(ctx: SourceContext) -> list[RawData]:
    """One read per recipe book, through the reading layer (each missing book raises ReadError)."""
    hub = ctx.settings.mode == "hub"
    template = str(ctx.options.get("url_file" if hub else "mirror_file", DEFAULT_URL_FILE if hub else DEFAULT_MIRROR_FILE))
    reads = []
    for book_id, title in (ctx.options.get("books") or {}).items():
        upstream = dataclasses.replace(ctx.spec.upstream, data_files=(template.format(id=book_id),))
        reads.append(read_upstream(upstream, ctx.settings, f"source {ctx.name} (book {book_id}, {title})"))
    return reads


def book_lines(books: pl.DataFrame) -> pl.DataFrame:
    """One row per line of every book (BOM and CR removed), numbered from 1, with marker flags."""
    text = pl.col("text").str.strip_chars_start("\ufeff").str.replace_all("\r\n", "\n").str.replace_all("\r", "\n")
    lines = books.select(ROW_KEY, text.str.split("\n").alias("line")).explode("line")
    lines = lines.with_columns(pl.int_range(1, pl.len() + 1).over(ROW_KEY).alias("n"), pl.col("line").str.strip_chars().alias("s"))
    start = pl.col("n").filter(pl.col("line").str.contains(START)).min().over(ROW_KEY)
    lines = lines.with_columns(start.alias("start"))
    end = pl.col("n").filter(pl.col("line").str.contains(END) & (pl.col("n") > pl.col("start"))).min().over(ROW_KEY)
    return lines.with_columns(end.alias("end"))


def segments(body: pl.DataFrame, max_heading: int) -> pl.DataFrame:
    """Body lines grouped into segments at headings: one row per (book, segment), in book order.
    A heading opens a paragraph of at most `max_heading` characters (a wrapped title is fine, a
    prose paragraph that happens to start with "Book I." is not)."""
    blank = pl.col("s") == ""
    body = body.with_columns(blank.cum_sum().over(ROW_KEY).alias("para"))
    short_paragraph = pl.col("s").str.len_chars().sum().over(ROW_KEY, "para") <= max_heading
    opens = ~blank & blank.shift(1, fill_value=True).over(ROW_KEY) & short_paragraph
    chapter = opens & pl.col("s").str.contains(CHAPTER)
    part = opens & pl.col("s").str.contains(PART) & ~chapter
    credit_paragraph = pl.col("s").str.starts_with(CREDIT).any().over(ROW_KEY, "para")
    body = body.with_columns(chapter.alias("chapter"), part.alias("part")).with_columns(
        (pl.col("chapter") | pl.col("part")).cum_sum().over(ROW_KEY).alias("seg"), credit_paragraph.alias("credit")
    )
    return body.group_by(ROW_KEY, "seg", maintain_order=True).agg(
        pl.col("n").first().alias("line_no"),
        pl.col("s").first().alias("heading"),
        pl.col("chapter").first().alias("is_chapter"),
        pl.col("part").first().alias("is_part"),
        pl.col("s").slice(1).str.len_chars().sum().alias("body_chars"),
        pl.col("line").str.join("\n").alias("text"),
        pl.col("line").filter(pl.col("para") != pl.col("para").first()).str.join("\n").alias("text_headless"),
        pl.col("line").filter(~pl.col("credit")).str.join("\n").alias("text_uncredited"),
    )


def classify(segs: pl.DataFrame, min_chapter: int, min_front: int) -> pl.DataFrame:
    """Add `kind` (front, chapter, part) and `drop` (null when the segment becomes a row)."""
    has_chapters = pl.col("is_chapter").any().over(ROW_KEY)
    kind = pl.when(pl.col("seg") == 0).then(pl.lit("front")).when(pl.col("is_chapter") | ~has_chapters).then(pl.lit("chapter")).otherwise(pl.lit("part"))
    segs = segs.with_columns(kind.alias("kind"), (pl.col("body_chars") < min_chapter).alias("short"))
    chapters = segs.filter(pl.col("kind") == "chapter").with_columns(
        pl.col("heading").str.to_lowercase().str.replace_all(r"\s+", " ").alias("key")
    )
    prev_short = pl.col("short").shift(1, fill_value=False).over(ROW_KEY)
    next_short = pl.col("short").shift(-1, fill_value=False).over(ROW_KEY)
    in_run = pl.col("short") & (prev_short | next_short)
    chapters = chapters.with_columns(in_run.alias("in_run"), (~pl.col("key").is_last_distinct()).over(ROW_KEY).alias("recurs"))
    run_start = pl.col("in_run") & ~pl.col("in_run").shift(1, fill_value=False)
    chapters = chapters.with_columns(run_start.cum_sum().over(ROW_KEY).alias("run"))
    # the entry after a contents run whose entries recur as real chapters, when it recurs too
    contents_run = (pl.col("in_run") & pl.col("recurs")).any().over(ROW_KEY, "run")
    after_run = pl.col("in_run").shift(1, fill_value=False).over(ROW_KEY)
    chapters = chapters.with_columns((pl.col("in_run") | (after_run & pl.col("recurs") & contents_run)).alias("toc"))
    segs = segs.join(chapters.select(ROW_KEY, "seg", "toc"), on=[ROW_KEY, "seg"], how="left", maintain_order="left")
    front_text = pl.col("text_uncredited").str.strip_chars().str.len_chars()
    drop = (
        pl.when((pl.col("kind") == "front") & (front_text < min_front)).then(pl.lit("filter: front matter"))
        .when(pl.col("kind") == "part").then(pl.lit("filter: part heading"))
        .when(pl.col("toc").fill_null(False)).then(pl.lit("filter: table of contents"))
        .when((pl.col("kind") == "chapter") & pl.col("short")).then(pl.lit("filter: short section"))
    )
    return segs.with_columns(drop.alias("drop"))


def tidy(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(r"\n{3,}", "\n\n").str.strip_chars()


def convert(ctx: SourceContext) -> Converted:
    reads = read_books(ctx)
    frames = [r.rows.select(ROW_KEY, "text") for r in reads]
    books = pl.concat(frames) if frames else pl.DataFrame(schema={ROW_KEY: pl.String, "text": pl.String})
    lines = book_lines(books)
    marker = lines.group_by(ROW_KEY, maintain_order=True).agg(pl.col("start").first(), pl.col("end").first())
    bad_books = marker.filter(pl.col("start").is_null() | pl.col("end").is_null()).join(books, on=ROW_KEY, how="left", maintain_order="left")
    book_rejects = bad_books.select(
        pl.col(ROW_KEY).alias("row_key"),
        pl.when(pl.col("start").is_null()).then(pl.lit("malformed: no Project Gutenberg START marker")).otherwise(pl.lit("malformed: no Project Gutenberg END marker")).alias("reason"),
        pl.col("text").str.slice(0, 2000).alias("raw"),
    )
    body = lines.filter((pl.col("n") > pl.col("start")) & (pl.col("n") < pl.col("end")))
    options = ctx.options
    segs = classify(
        segments(body, int(options.get("max_heading_chars", 160))),
        int(options.get("min_chapter_chars", 200)),
        int(options.get("min_front_matter_chars", 3000)),
    )
    dropped = segs.filter(pl.col("drop").is_not_null() & (pl.col("body_chars") > 0)).select(
        pl.format("{}:{}", pl.col(ROW_KEY), pl.col("line_no")).alias("row_key"),
        pl.col("drop").alias("reason"),
        tidy(pl.col("text")).str.slice(0, 2000).alias("raw"),
    )
    kept = segs.filter(pl.col("drop").is_null())
    number = (pl.col("kind") == "chapter").cast(pl.Int64).cum_sum().over(ROW_KEY)
    # the original's chapterize left each chapter's heading out; `keep_heading: true` keeps it
    chapter_text = pl.col("text") if options.get("keep_heading", False) else pl.when(pl.col("seg") > 0).then(pl.col("text_headless")).otherwise(pl.col("text"))
    kept = kept.select(
        pl.format("{}#{}", pl.col(ROW_KEY), number.cast(pl.String).str.zfill(3)).alias(ROW_KEY),
        tidy(pl.when(pl.col("kind") == "front").then(pl.col("text_uncredited")).otherwise(chapter_text)).alias("text"),
    )
    rows, repeats = keep_first_id(finish_texts(kept, ctx), "filter: duplicate text")
    return Converted(rows_in=books.height, texts=rows, rejects=[*[r.rejects for r in reads], book_rejects, dropped, repeats])
