"""gutenberg sample: one short made-up book per recipe id, `gutenberg/<id>-0.txt`, in the real file
format (UTF-8 with BOM, CRLF, Project Gutenberg header and licence around the text).

The books are not the real novels: each is a few chapters of invented prose under the real id and
title, written to exercise one layout of the real files: "CHAPTER I. TITLE", "Chapter 1",
"CHAPTER I." over a title line under "Book the First", bare numerals under "PART ONE--", "Letter 1", "STAVE ONE",
spelled-out numbers, parts only, a contents list (blank-separated entries, and indented lines),
front matter after the contents, a long unheaded prologue, a stub chapter, the current and the
1990s header wording, a file without BOM and with LF endings, a very long chapter, Cyrillic, and
one book whose START marker is missing (203, a reject).
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

SENTENCES = [
    "The lamps along the quay were lit one by one as the tide came in.",
    "Nobody in the village could remember a winter so mild or a spring so late.",
    "She folded the letter twice, then a third time, and put it in the drawer with the others.",
    "“You will find,” said the old captain, “that the sea forgives nothing and forgets less.”",
    "A cart rattled past the window, and the dog lifted its head to listen.",
    "He had walked the same road for thirty years without once wondering where it went.",
    "The house stood at the end of the lane, its shutters the colour of dry moss.",
    "Dinner was late, and the conversation, when it came, was later still.",
    "Outside, the rain made a soft, continuous noise like distant applause.",
    "It was not the first time the clock in the hall had stopped at a quarter past four.",
    "The doctor’s bag smelled of leather, camphor and something sharper underneath.",
    "They reached the ridge at noon and saw, far below, the grey line of the river.",
    "Every Sunday the choir sang a little too slowly, and every Sunday the vicar forgave them.",
    "Her brother laughed, but there was no pleasure in it.",
    "The garden had gone wild in the years since the family left for the city.",
    "On the third night the wind changed, and with it, everyone’s temper.",
    "He counted the coins twice and still found one missing.",
    "The road to the market town crossed two bridges and a ford that flooded every March.",
]


def prose(seed: int, sentences: int = 9, paragraphs: int = 2) -> list[str]:
    """Made-up paragraphs, hard-wrapped at 70 columns like the Gutenberg plain-text files."""
    out = []
    for p in range(paragraphs):
        picked = [SENTENCES[hashlib.blake2b(f"{seed}:{p}:{i}".encode(), digest_size=4).digest()[0] % len(SENTENCES)] for i in range(sentences)]
        out.append(textwrap.fill(" ".join(picked), 70))
    return out


def chapter(heading: str, seed: int, *extra: str, sentences: int = 9, paragraphs: int = 2) -> list[str]:
    return [heading, "", *extra, *[line for para in prose(seed, sentences, paragraphs) for line in (para, "")]]


def header(book_id: int, title: str, author: str, start: str | None) -> list[str]:
    lines = [
        f"The Project Gutenberg EBook of {title}, by {author}",
        "",
        "This eBook is for the use of anyone anywhere at no cost and with almost no",
        "restrictions whatsoever. (Made-up sample text for bagel-data tests.)",
        "",
        f"Title: {title}",
        "",
        f"Author: {author}",
        "",
        f"Release Date: June, 2018 [EBook #{book_id}]",
        "",
        "Language: English",
        "",
        "Character set encoding: UTF-8",
        "",
    ]
    if start is not None:
        lines += [start, "", "", "", "Produced by Sample Volunteers and the", "Online Distributed Proofreading Team", "", "", ""]
    return lines


def footer(book_id: int, title: str, author: str, end: str) -> list[str]:
    return [
        "",
        f"End of the Project Gutenberg EBook of {title}, by {author}",
        "",
        end,
        "",
        f"***** This file should be named {book_id}-0.txt or {book_id}-0.zip *****",
        "",
        "*** START: FULL LICENSE ***",
        "",
        "Section 1.  General Terms of Use and Redistributing Project Gutenberg-tm",
        "",
        "(The licence text of the real files goes here.)",
        "",
    ]


def standard(title: str) -> tuple[str, str]:
    upper = title.upper()
    return f"*** START OF THIS PROJECT GUTENBERG EBOOK {upper} ***", f"*** END OF THIS PROJECT GUTENBERG EBOOK {upper} ***"


def scarlet() -> list[str]:
    return [
        "A STUDY IN SCARLET.", "", "", "PART I.", "", "(_A made-up subtitle standing in for the original one._)", "", "",
        *chapter("CHAPTER I. THE LODGINGS.", 1), *chapter("CHAPTER II. THE WAGER.", 2),
        "", "PART II. _The Country of the Sample._", "", "",
        *chapter("CHAPTER I. ON THE GREAT PLAIN.", 3), *chapter("CHAPTER II. THE CONCLUSION.", 4),
    ]


def two_cities() -> list[str]:
    return [
        "A TALE OF TWO CITIES", "", "A STORY OF THE SAMPLE", "", "",
        "Book the First--Recalled to Life", "", "",
        *chapter("CHAPTER I.", 5, "The Period", ""), *chapter("CHAPTER II.", 6, "The Mail", ""),
        "Book the Second--the Golden Thread", "", "",
        *chapter("CHAPTER I.", 7, "Five Years Later", ""),
    ]


def karenina_parts_only() -> list[str]:
    return ["ANNA KARENINA", "", "", *chapter("PART ONE", 8), *chapter("PART TWO", 9), *chapter("PART THREE", 10)]


def frankenstein() -> list[str]:
    contents = ["CONTENTS", "", "Letter 1", "", "Letter 2", "", "Chapter 1", "", "Chapter 2", "", "", ""]
    return ["Frankenstein;", "", "or, the Modern Prometheus", "", "", *contents,
            *chapter("Letter 1", 11, "_To Mrs. Saville, England._", ""), *chapter("Letter 2", 12),
            *chapter("Chapter 1", 13), *chapter("Chapter 2", 14)]


def huck_old_header() -> list[str]:
    return ["NOTICE", "", "Persons attempting to find a motive in this sample will be prosecuted.", "", "",
            *chapter("CHAPTER I.", 15), *chapter("CHAPTER II.", 16), *chapter("CHAPTER III.", 17)]


def bovary() -> list[str]:
    return ["MADAME BOVARY", "", "", "Part I", "", "", *chapter("Chapter One", 18), *chapter("Chapter Two", 19),
            "Part II", "", "", *chapter("Chapter One", 20)]


def middlemarch() -> list[str]:
    return ["MIDDLEMARCH", "", "PRELUDE.", "", *prose(21, 3, 1), "", "", "BOOK I. MISS BROOKE.", "", "",
            *chapter("CHAPTER I.", 22), *chapter("CHAPTER II.", 23), "FINALE.", "", *prose(24, 4, 1), ""]


def moby() -> list[str]:
    toc = ["CONTENTS", "", "ETYMOLOGY.", ""] + [line for n, t in ((1, "Loomings."), (2, "The Carpet-Bag."), (3, "The Spouter-Inn.")) for line in (f"CHAPTER {n}. {t}", "")]
    toc += ["Epilogue", "", "", "", "Original Transcriber’s Notes:", "", *prose(25, 4, 1), "", "", "  ETYMOLOGY.", "", *prose(26, 12, 2), ""]
    return ["MOBY-DICK;", "", "or, THE WHALE.", "", "", *toc, *chapter("CHAPTER 1. Loomings.", 27), *chapter("CHAPTER 2. The Carpet-Bag.", 28),
            *chapter("CHAPTER 3. The Spouter-Inn.", 29), *chapter("Epilogue", 30, "“AND I ONLY AM ESCAPED ALONE TO TELL THEE” Job.", "")]


def pride() -> list[str]:
    return ["PRIDE AND PREJUDICE", "", "By Jane Austen", "", "", *chapter("Chapter 1", 31), *chapter("Chapter 2", 32),
            *chapter("Chapter 3", 33, sentences=20, paragraphs=14)]


def karamazov() -> list[str]:
    return ["THE BROTHERS KARAMAZOV", "", "", "PART I", "", "", "Book I. The History Of A Family", "", "",
            *chapter("Chapter I. Fyodor Pavlovitch Karamazov", 34, "(Фёдор Павлович Карамазов)", ""),
            *chapter("Chapter II. He Gets Rid Of His Eldest Son", 35), *chapter("Chapter III. The Second Marriage", 36)]


def screw() -> list[str]:
    return ["THE TURN OF THE SCREW", "", "by Henry James", "", "", "THE TURN OF THE SCREW", "", *[l for p in prose(37, 10, 6) for l in (p, "")],
            "", "", *chapter("I", 38), *chapter("II", 39)]


def war_of_worlds() -> list[str]:
    contents = ["Contents", "", "", " BOOK ONE.—THE COMING OF THE MARTIANS", "", " I. THE EVE OF THE WAR.", " II. THE FALLING STAR.", "",
                " BOOK TWO.—THE EARTH UNDER THE MARTIANS", "", " I. UNDER FOOT.", "", "", ""]
    return ["by H. G. Wells", "", "", *contents, "BOOK ONE", "", "THE COMING OF THE MARTIANS", "", "", "",
            *chapter("I.", 40, "THE EVE OF THE WAR.", ""), *chapter("II.", 41, "THE FALLING STAR.", ""),
            "BOOK TWO", "", "THE EARTH UNDER THE MARTIANS.", "", "", *chapter("I.", 42, "UNDER FOOT.", "")]


def looking_glass() -> list[str]:
    return ["THROUGH THE LOOKING-GLASS", "", "", *chapter("CHAPTER I. Looking-Glass House", 43),
            "CHAPTER II. A Very Short Chapter", "", "It was over almost before it began.", "", "",
            *chapter("CHAPTER III. Looking-Glass Insects", 44)]


def treasure() -> list[str]:
    return ["TREASURE ISLAND", "", "", "", "PART ONE--The Old Buccaneer", "", "", "", *chapter("1", 45, "The Old Sea-dog at the Admiral Benbow", ""),
            *chapter("2", 46, "Black Dog Appears and Disappears", ""), "PART TWO--The Sea-cook", "", "", *chapter("3", 47, "I Go to Bristol", "")]


def uncle_tom() -> list[str]:
    return ["UNCLE TOM'S CABIN", "", "", *chapter("CHAPTER I", 48), *chapter("CHAPTER II", 49)]


def wuthering() -> list[str]:
    return ["WUTHERING HEIGHTS", "", "", *chapter("STAVE ONE", 50), *chapter("STAVE TWO", 51)]


# id: (title, author, body, header wording, line ending, BOM)
BOOKS = {
    244: ("A Study in Scarlet", "Arthur Conan Doyle", scarlet, "2018", "\r\n", True),
    98: ("A Tale of Two Cities", "Charles Dickens", two_cities, "2018", "\r\n", True),
    1399: ("Anna Karenina", "Leo Tolstoy", karenina_parts_only, "2018", "\r\n", True),
    41445: ("Frankenstein", "Mary Wollstonecraft (Godwin) Shelley", frankenstein, "2018", "\r\n", True),
    76: ("Adventures of Huckleberry Finn", "Mark Twain", huck_old_header, "1990s", "\r\n", True),
    2413: ("Madame Bovary", "Gustave Flaubert", bovary, "2018", "\n", False),
    145: ("Middlemarch", "George Eliot", middlemarch, "current", "\r\n", True),
    2701: ("Moby Dick; Or the Whale", "Herman Melville", moby, "2018", "\r\n", True),
    1342: ("Pride and Prejudice", "Jane Austen", pride, "2018", "\r\n", True),
    28054: ("The Brothers Karamazov", "Fyodor Dostoyevsky", karamazov, "2018", "\r\n", True),
    209: ("The Turn of the Screw", "Henry James", screw, "2018", "\r\n", True),
    36: ("The War of the Worlds", "H. G. Wells", war_of_worlds, "2018", "\r\n", True),
    12: ("Through the Looking-Glass", "Lewis Carroll", looking_glass, "2018", "\r\n", True),
    120: ("Treasure Island", "Robert Louis Stevenson", treasure, "2018", "\r\n", True),
    203: ("Uncle Tom's Cabin", "Harriet Beecher Stowe", uncle_tom, "missing", "\r\n", True),
    768: ("Wuthering Heights", "Emily Brontë", wuthering, "2018", "\r\n", True),
}


def markers(title: str, wording: str) -> tuple[str | None, str]:
    start, end = standard(title)
    if wording == "current":
        return start.replace("THIS PROJECT", "THE PROJECT"), end.replace("THIS PROJECT", "THE PROJECT")
    if wording == "1990s":
        return "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*", end
    if wording == "missing":
        return None, end
    return start, end


def write(root: Path) -> None:
    folder = root / "gutenberg"
    folder.mkdir(parents=True, exist_ok=True)
    for book_id, (title, author, body, wording, newline, bom) in BOOKS.items():
        start, end = markers(title, wording)
        lines = [*header(book_id, title, author, start), *body(), *footer(book_id, title, author, end)]
        text = ("\ufeff" if bom else "") + newline.join(lines)
        (folder / f"{book_id}-0.txt").write_bytes(text.encode("utf-8"))
    (folder / "README.md").write_text(README, encoding="utf-8")


README = """# gutenberg (samples)

Made-up stand-ins for the recipe's Project Gutenberg books, one `<id>-0.txt` per id, in the real
file format (BOM, CRLF, header and licence). They are not the real novels. Written by
scripts/samples/gutenberg.py; book 203 deliberately lacks its START marker.
"""
