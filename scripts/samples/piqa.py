"""ybisk/piqa sample, as the hub's parquet conversion lays it out (revision refs/convert/parquet:
plain_text/<split>/0000.parquet, no README configs), fields goal, sol1, sol2, label (int class label;
the hub test split has -1).

Awkward train rows: trailing spaces, unicode, a long goal, a duplicate, and malformed ones
(label -1, empty goal, null sol2, label 2).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet

SCHEMA = pa.schema([("goal", pa.string()), ("sol1", pa.string()), ("sol2", pa.string()), ("label", pa.int64())])


def p(goal: str | None, sol1: str | None, sol2: str | None, label: int) -> dict:
    return {"goal": goal, "sol1": sol1, "sol2": sol2, "label": label}


TRAIN = [
    p("How do I keep bread fresh for longer?", "Store it in a sealed bag at room temperature.", "Store it in an open bowl of water.", 0),
    p("To loosen a tight jar lid,", "run the lid under cold water for a minute.", "run the lid under hot water for a minute.", 1),
    p("How can I dry wet shoes quickly?", "Stuff them with newspaper and leave them somewhere warm.", "Put them in the freezer overnight.", 0),
    p("To remove a splinter,", "use clean tweezers to pull it out in the direction it entered.", "push it further in with a hammer.", 0),
    p("How do you cool a hot drink fast?", "Pour it back and forth between two cups.", "Wrap it in a wool blanket.", 0),
    p("To keep a cut apple from browning,", "wrap it in aluminum foil and microwave it.", "brush the cut side with lemon juice.", 1),
    p("How do I sharpen a pencil without a sharpener?", "Carefully shave the wood away with a small knife.", "Soak the pencil in milk.", 0),
    p("To make ice cubes clearer,", "boil the water first and let it cool before freezing.", "add salt to the water before freezing.", 0),
    p("bookshelf", "steady the wobbly leg with a folded card ", "paint the wobbly leg with a folded card ", 0),
    p("How to unclog a drain without chemicals?", "Pour baking soda followed by vinegar, then hot water.", "Pour sand down the drain.", 0),
    p("Wie bekomme ich Kaffeeflecken aus einem Hemd? (coffee stain on a shirt)", "Blot it with cold water and a little dish soap.", "Iron the stain until it sets.", 0),
    p("To hang a picture straight,", "use a level before marking the nail hole.", "guess by looking at it upside down.", 0),
    p("How do I " + "carefully and thoroughly " * 30 + "clean a cast iron pan?", "Scrub with hot water and salt, dry it, then oil it lightly.", "Leave it soaking in soapy water for a week.", 0),
    p("To keep a door from squeaking,", "rub soap or oil on the hinges.", "paint the door a darker color.", 0),
    p("How do you stop a nosebleed?", "Tilt your head back and lie down.", "Lean forward and pinch the soft part of your nose.", 1),
    p("To separate an egg yolk,", "pass the yolk between the two shell halves over a bowl.", "shake the egg hard before cracking it.", 0),
    p("How do I keep bread fresh for longer?", "Store it in a sealed bag at room temperature.", "Store it in an open bowl of water.", 0),
    p("To light a candle safely,", "use a long match and keep it away from curtains.", "hold the candle over the stove burner.", 0),
    p("How to keep ants out of the kitchen 🐜?", "Wipe counters and seal food in containers.", "Leave sugar by the door.", 0),
    p("To fold a fitted sheet neatly,", "tuck the corners into each other, then fold into a rectangle.", "roll it into a ball.", 0),
    # malformed
    p("How do I fold a paper airplane?", "Fold the paper in half lengthwise.", "Crumple the paper.", -1),
    p("   ", "Use a spoon.", "Use a fork.", 0),
    p("To open a can without a can opener,", "rub the lid on rough concrete.", None, 0),
    p("To water a plant,", "pour water on the soil.", "pour water on the leaves only.", 2),
]

VALIDATION = [p("To keep soup warm on a table,", "put it in an insulated pot with a lid.", "put it in a shallow open plate.", 0)]
TEST = [p("How to keep pasta from sticking together?", "Stir it often while it boils.", "Boil it in very little water.", -1)]


def write(root: Path) -> None:
    repo = root / "ybisk" / "piqa" / "plain_text"
    for split, rows in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        write_parquet(rows, repo / split / "0000.parquet", SCHEMA)
