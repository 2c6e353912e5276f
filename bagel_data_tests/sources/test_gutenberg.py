"""gutenberg: made-up sample books in every layout, and all real 2018-era books from realdata
(chapter counts checked by hand against the files) laid out as a mirror."""

from __future__ import annotations

import re
import shutil

import polars as pl
import pytest

from bagel_data.reading import ReadError
from bagel_data.settings import SAMPLES_DIR
from bagel_data_tests.helpers import convert

REAL_BOOKS = {244: "A Study in Scarlet", 1342: "Pride and Prejudice", 120: "Treasure Island", 2701: "Moby Dick", 36: "The War of the Worlds", 209: "The Turn of the Screw", 84: "Frankenstein (1818 text)"}
SAMPLE_CHAPTERS = {"244": 4, "98": 3, "1399": 3, "41445": 4, "76": 3, "2413": 3, "145": 2, "2701": 4, "1342": 3, "28054": 3, "209": 3, "36": 3, "12": 2, "120": 3, "768": 2}


def per_book(texts: pl.DataFrame) -> pl.DataFrame:
    return texts.with_columns(
        pl.col("row_key").str.extract(r"^(\d+)-0\.txt#").alias("book"),
        pl.col("text").str.split("\n").list.first().alias("heading"),
    )


def assert_clean(texts: pl.DataFrame) -> None:
    for marker in ("\r", "\ufeff", "PROJECT GUTENBERG", "Project Gutenberg", "Produced by"):
        assert not texts["text"].str.contains(marker, literal=True).any(), marker
    assert not texts["text"].str.contains(r"\n\n\n").any() and texts["id"].n_unique() == texts.height


def test_samples_every_layout(sample_settings):
    parts = convert("gutenberg", sample_settings)
    texts, rejects = per_book(parts["texts"]), parts["rejects"]
    assert dict(texts.group_by("book").len().iter_rows()) == SAMPLE_CHAPTERS
    assert texts.height == 45 and parts["instructions"].height == 0
    assert_clean(texts)
    assert rejects.filter(pl.col("row_key") == "203-0.txt")["reason"].to_list() == ["malformed: no Project Gutenberg START marker"]
    assert dict(rejects.group_by("reason").len().iter_rows()) == {
        "malformed: no Project Gutenberg START marker": 1,
        "filter: front matter": 14,
        "filter: part heading": 5,
        "filter: table of contents": 1,
        "filter: short section": 1,
    }


def with_headings(recipe, **options) -> dict:
    """The recipe's gutenberg options with `keep_heading: true`, so a row's first line names its chapter."""
    return dict(recipe.sources["gutenberg"].options, keep_heading=True, **options)


def test_samples_headings_and_text(sample_settings, recipe):
    texts = per_book(convert("gutenberg", sample_settings, options=with_headings(recipe))["texts"])
    headings = lambda book: texts.filter(pl.col("book") == book)["heading"].to_list()  # noqa: E731
    assert headings("98") == ["CHAPTER I.", "CHAPTER II.", "CHAPTER I."], "parts ('Book the First--...') only separate chapters"
    assert headings("1399") == ["PART ONE", "PART TWO", "PART THREE"], "a book with parts only is split at its parts"
    assert headings("41445") == ["Letter 1", "Letter 2", "Chapter 1", "Chapter 2"], "the contents list is not a chapter"
    assert headings("2701") == ["CHAPTER 1. Loomings.", "CHAPTER 2. The Carpet-Bag.", "CHAPTER 3. The Spouter-Inn.", "Epilogue"]
    assert headings("12") == ["CHAPTER I. Looking-Glass House", "CHAPTER III. Looking-Glass Insects"]
    assert headings("2413") == ["Chapter One", "Chapter Two", "Chapter One"], "LF endings without BOM"
    assert headings("145") == ["CHAPTER I.", "CHAPTER II."] and headings("76") == ["CHAPTER I.", "CHAPTER II.", "CHAPTER III."]
    screw = texts.filter(pl.col("row_key") == "209-0.txt#000")["text"][0]
    assert screw.startswith("THE TURN OF THE SCREW\n\nby Henry James") and len(screw) >= 3000, "a long unheaded prologue is row #000"
    karamazov = texts.filter(pl.col("row_key") == "28054-0.txt#001")["text"][0]
    assert karamazov.startswith("Chapter I. Fyodor Pavlovitch Karamazov\n\n(Фёдор Павлович Карамазов)\n\n")
    stave = texts.filter(pl.col("row_key") == "768-0.txt#002")["text"][0]
    assert stave.startswith("STAVE TWO\n\n") and stave.endswith(".") and "(The licence text" not in stave


def test_thresholds_are_recipe_options(sample_settings, recipe):
    options = with_headings(recipe, min_chapter_chars=10, min_front_matter_chars=100000)
    texts = per_book(convert("gutenberg", sample_settings, options=options)["texts"])
    assert "CHAPTER II. A Very Short Chapter" in texts.filter(pl.col("book") == "12")["heading"].to_list()
    assert texts.filter(pl.col("row_key").str.ends_with("#000")).height == 0


def test_missing_book_raises(mirror, mirror_settings, recipe):
    (mirror / "gutenberg").mkdir()
    shutil.copy(SAMPLES_DIR / "gutenberg" / "1342-0.txt", mirror / "gutenberg" / "1342-0.txt")
    options = dict(recipe.sources["gutenberg"].options, books={1342: "Pride and Prejudice", 98: "A Tale of Two Cities"})
    with pytest.raises(ReadError, match="book 98"):
        convert("gutenberg", mirror_settings, options=options)


@pytest.fixture
def real_mirror(realdata, mirror, mirror_settings):
    (mirror / "gutenberg").mkdir()
    for book in REAL_BOOKS:
        shutil.copy(realdata / "gutenberg" / f"{book}-0.txt", mirror / "gutenberg" / f"{book}-0.txt")
    return mirror_settings


@pytest.fixture
def real_books(real_mirror, recipe):
    return convert("gutenberg", real_mirror, options=with_headings(recipe, books=REAL_BOOKS))


def test_real_chapters_leave_the_heading_out_by_default(real_books, real_mirror, recipe, realdata):
    """As the original's chapterize: a chapter row is its text after the heading paragraph."""
    default = convert("gutenberg", real_mirror, options=dict(recipe.sources["gutenberg"].options, books=REAL_BOOKS))["texts"]
    with_heading = real_books["texts"]
    assert default["row_key"].to_list() == with_heading["row_key"].to_list()
    for key, text, headed in zip(default["row_key"], default["text"], with_heading["text"]):
        if key.endswith("#000"):
            assert text == headed, "an unheaded prologue has no heading to drop"
        else:
            heading, _, rest = headed.partition("\n\n")
            assert text == rest and len(heading) <= 160, key
    lines = (realdata / "gutenberg" / "1342-0.txt").read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    first, second = lines.index("Chapter 1"), lines.index("Chapter 2")
    expected = re.sub(r"\n{3,}", "\n\n", "\n".join(lines[first + 1 : second])).strip()
    assert default.filter(pl.col("row_key") == "1342-0.txt#001")["text"][0] == expected
    assert expected.startswith("It is a truth universally acknowledged")


def test_real_books_chapter_counts(real_books):
    texts = per_book(real_books["texts"])
    assert dict(texts.group_by("book").len().iter_rows()) == {"244": 14, "1342": 61, "120": 34, "2701": 136, "36": 27, "209": 25, "84": 28}
    assert_clean(texts)
    headings = lambda book: texts.filter(pl.col("book") == book)["heading"].to_list()  # noqa: E731
    assert headings("1342") == [f"Chapter {n}" for n in range(1, 62)]
    assert headings("84") == [f"Letter {n}" for n in range(1, 5)] + [f"Chapter {n}" for n in range(1, 25)]
    assert headings("120") == [str(n) for n in range(1, 35)]
    assert [int(re.match(r"CHAPTER (\d+)\.", h).group(1)) for h in headings("2701")[:-1]] == list(range(1, 136)) and headings("2701")[-1] == "Epilogue"
    assert [h.split(".")[0] for h in headings("244")] == [f"CHAPTER {r}" for r in ("I", "II", "III", "IV", "V", "VI", "VII")] * 2
    assert headings("36")[:3] == ["I.", "II.", "III."] and headings("36")[17] == "I." and headings("36")[-1] == "X."
    assert headings("209")[0] == "THE TURN OF THE SCREW" and headings("209")[1:] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV"
    ]


def test_real_chapter_text_is_exact(real_books, realdata):
    lines = (realdata / "gutenberg" / "1342-0.txt").read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    first, second = lines.index("Chapter 1"), lines.index("Chapter 2")
    expected = re.sub(r"\n{3,}", "\n\n", "\n".join(lines[first:second])).strip()
    texts = real_books["texts"]
    assert texts.filter(pl.col("row_key") == "1342-0.txt#001")["text"][0] == expected
    assert expected.startswith("Chapter 1\n\nIt is a truth universally acknowledged")
    epilogue = texts.filter(pl.col("row_key") == "2701-0.txt#136")["text"][0]
    assert epilogue.endswith("only found another orphan.")
    assert not texts["text"].str.contains("ETYMOLOGY", literal=True).any(), "front matter after the contents is not a chapter"
    cetology = texts.filter(pl.col("row_key") == "2701-0.txt#032")["text"][0]
    assert cetology.startswith("CHAPTER 32. Cetology.") and "BOOK III. (_Duodecimo_), CHAPTER III." in cetology, "prose paragraphs opening with 'BOOK I.' are not headings"
    assert "II. A Loose-Fish is fair game" in texts.filter(pl.col("row_key") == "2701-0.txt#089")["text"][0]


def test_real_books_rejects(real_books):
    rejects = real_books["rejects"]
    moby_tail = rejects.filter(pl.col("row_key") == "2701-0.txt:320")
    assert moby_tail["reason"].to_list() == ["filter: table of contents"] and moby_tail["raw"][0].startswith("Epilogue\n\nOriginal Transcriber’s Notes:")
    assert not rejects["reason"].str.starts_with("malformed").any()
    assert set(rejects["reason"]) == {"filter: front matter", "filter: part heading", "filter: table of contents"}
