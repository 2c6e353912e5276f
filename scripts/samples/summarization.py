"""mattpscott/airoboros-summarization sample: the five expert_summarization_4096-<subset>.jsonl
files of the hub repo, one {"instruction", "response"} object per line, the text to summarize
wrapped in BEGINCONTEXT/ENDCONTEXT inside BEGININPUT/ENDINPUT as upstream does.

Made-up texts: dialogue (samsum), news (cnndm, xsum), interview (mediasum), book chapter
(booksum), unicode, a row without the context wrapper (kept), a duplicate across files; a row
over the length limit; malformed ones (not in the contextual format, empty response, missing
instruction, an invalid JSON line).
"""

from __future__ import annotations

import json
from pathlib import Path


def contextual(text: str, words: int) -> str:
    return f"BEGININPUT\nBEGINCONTEXT\n{text}\nENDCONTEXT\nENDINPUT\nBEGININSTRUCTION\nSummarize the input in around {words} words.\nENDINSTRUCTION"


CHAPTER = "The storm had passed by morning. Elizabeth walked the length of the garden twice before she allowed herself to open the letter, and when she did, her hands were steady."
TOO_LONG = "The council debated the harbour budget line by line. " * 400

FILES = {
    "booksum-train": [
        {"instruction": contextual(CHAPTER, 30), "response": "After the storm, Elizabeth calmly reads the letter she had been avoiding."},
        {"instruction": contextual(TOO_LONG, 100), "response": "The council argued over every line of the harbour budget."},
    ],
    "cnndm-summaries": [
        {"instruction": contextual("City officials announced on Monday that the old tram line will reopen next spring after a two-year renovation costing 40 million dollars.", 20), "response": "The renovated tram line reopens next spring after two years and $40M of work."},
        {"instruction": "Summarize: the mayor resigned today.", "response": "The mayor resigned."},
        {"instruction": contextual("Heavy snow closed the mountain pass for the third time this winter.", 10), "response": "  "},
    ],
    "mediasum-summaries": [
        {"instruction": contextual("HOST: Welcome back. Dr. Ito, what did your team find?\nITO: The reef is recovering faster than we expected, about twice the rate of the last decade.", 25), "response": "Dr. Ito reports the reef is recovering about twice as fast as in the last decade."},
        {"instruction": "BEGININPUT\nLa conférence s'est terminée par un accord sur le climat signé par 40 pays.\nENDINPUT\nBEGININSTRUCTION\nSummarize the input in around 15 words.\nENDINSTRUCTION", "response": "Forty countries signed a climate agreement at the end of the conference."},
        {"response": "A summary of nothing."},
    ],
    "samsum-summaries": [
        {"instruction": contextual("Anna: are you coming tonight?\nBen: running late, 20 min\nAnna: ok, I'll order for you 🍕", 15), "response": "Ben is running 20 minutes late, so Anna will order pizza for him."},
        {"instruction": contextual(CHAPTER, 30), "response": "Elizabeth reads the letter once the storm is over."},
    ],
    "xsum-summaries": [
        {"instruction": contextual("A rare white giraffe has been fitted with a GPS tracker to protect it from poachers in north-eastern Kenya.", 15), "response": "A rare white giraffe in Kenya now wears a GPS tracker to deter poachers."},
    ],
}


def write(root: Path) -> None:
    repo = root / "mattpscott" / "airoboros-summarization"
    repo.mkdir(parents=True, exist_ok=True)
    for subset, rows in FILES.items():
        lines = [json.dumps(r, ensure_ascii=False) for r in rows]
        if subset == "xsum-summaries":
            lines.append('{"instruction": "BEGININPUT\\nUnfinished')
        (repo / f"expert_summarization_4096-{subset}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
