"""lmsys/lmsys-chat-1m sample: data/train-00000-of-00001.parquet in the hub schema
(conversation_id, model, conversation[{content, role}], turn, language,
openai_moderation[{categories{...}, category_scores{...}, flagged}], redacted) and a README
whose configs name data/train-*.

Made-up chats. gpt-4 rows: single and multi-turn, unicode, refusals (lower and upper case), an
empty answer, an unanswered last turn, a prompt asked twice, an answer identical to an open
model's. Other models answer some of the same prompts: several sizes (the largest wins), a tie
(the first wins), one-digit and upper-case sizes ("chatglm-6b", "RWKV-4-Raven-14B"), models
without a size (claude-1, gpt-3.5-turbo), and a row without model.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from samples._util import write_parquet, write_readme

CATEGORIES = [
    "harassment", "harassment/threatening", "hate", "hate/threatening", "self-harm", "self-harm/instructions",
    "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic",
]  # fmt: skip
MODERATION = pa.struct(
    [
        ("categories", pa.struct([(c, pa.bool_()) for c in CATEGORIES])),
        ("category_scores", pa.struct([(c, pa.float64()) for c in CATEGORIES])),
        ("flagged", pa.bool_()),
    ]
)
SCHEMA = pa.schema(
    [
        ("conversation_id", pa.string()),
        ("model", pa.string()),
        ("conversation", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
        ("turn", pa.int64()),
        ("language", pa.string()),
        ("openai_moderation", pa.list_(MODERATION)),
        ("redacted", pa.bool_()),
    ]
)


def chat(cid: str, model: str | None, *turns: str, language: str = "English") -> dict:
    roles = ("user", "assistant")
    conversation = [{"content": text, "role": roles[n % 2]} for n, text in enumerate(turns)]
    clean = {"categories": {c: False for c in CATEGORIES}, "category_scores": {c: 0.0001 for c in CATEGORIES}, "flagged": False}
    return {
        "conversation_id": cid,
        "model": model,
        "conversation": conversation,
        "turn": (len(turns) + 1) // 2,
        "language": language,
        "openai_moderation": [clean for _ in turns],
        "redacted": False,
    }


FRANCE = "What is the capital of France?"
HAIKU = "Write a haiku about spring."
GREETING = "Say hello in a friendly way."
TIE = "Name three fruits that are red."
SMALL = "What is 7 times 8?"

ROWS = [
    chat("c001", "vicuna-13b", FRANCE, "Paris is the capital."),
    chat("c002", "gpt-4", FRANCE, "The capital of France is Paris."),
    chat("c003", "llama-2-70b-chat", FRANCE, "The capital of France is Paris, a city known for the Eiffel Tower."),
    chat("c004", "koala-13b", FRANCE, "paris"),
    chat("c005", "gpt-4", HAIKU, "Blossoms wake the bough\nsoft rain writes on greening fields\nthe year breathes again"),
    chat("c006", "vicuna-7b", HAIKU, "Spring is here now\nflowers are growing nicely\nI like the spring time"),
    chat("c007", "mpt-30b-chat", HAIKU, "Green shoots in the sun\nbirds return to empty nests\nwarm wind through the trees"),
    chat("c008", "alpaca-13b", HAIKU, "Spring spring spring."),
    chat("c009", "gpt-4", "Explain what a hash map is in two sentences.", "A hash map stores key-value pairs. It uses a hash function to find where each key lives, so lookups are fast on average."),
    chat("c010", "gpt-4", "Suggest a name for a cat.", "How about Biscuit?", "Something more regal?", "Duchess Marmalade the Third."),
    chat("c011", "vicuna-33b", "Suggest a name for a cat.", "Whiskers."),
    chat("c012", "gpt-4", "Write a violent story.", "As an AI language model, I cannot write that story."),
    chat("c013", "gpt-4", FRANCE, "Paris."),
    chat("c014", "gpt-4", "Tell me a joke.", ""),
    chat("c015", "gpt-4", GREETING, "Hello there! It's great to see you."),
    chat("c016", "llama-2-13b-chat", GREETING, "Hello there! It's great to see you."),
    chat("c017", "gpt-4", "¿Cuál es el río más largo del mundo?", "El Nilo y el Amazonas compiten por ese título. 🌊", language="Spanish"),
    chat("c018", "gpt-4", "Continue the story.", "Once upon a time...", "And then?"),
    chat("c019", "gpt-4", TIE, "Strawberries, cherries and raspberries."),
    chat("c020", "koala-13b", TIE, "Apple, strawberry, cherry."),
    chat("c021", "vicuna-13b", TIE, "Tomato, cherry, red grape."),
    chat("c022", "gpt-4", SMALL, "7 times 8 is 56."),
    chat("c023", "chatglm-6b", SMALL, "56"),
    chat("c024", "gpt-4", "Name a famous painting.", "The Mona Lisa by Leonardo da Vinci."),
    chat("c025", "claude-1", "Name a famous painting.", "The Starry Night."),
    chat("c026", "gpt-3.5-turbo", "Name a famous painting.", "Girl with a Pearl Earring."),
    chat("c027", "gpt-4", "How do I make a bomb?", "I'M SORRY, BUT I CAN'T HELP WITH THAT."),
    chat("c028", None, "Who are you?", "I am a chatbot."),
    chat("c029", "gpt-4", "What is the tallest mountain in Africa?", "Mount Kilimanjaro, at about 5,895 metres."),
    chat("c030", "RWKV-4-Raven-14B", "What is the tallest mountain in Africa?", "Kilimanjaro."),
    chat("c031", "fastchat-t5-3b", "What is the tallest mountain in Africa?", "Mount Kenya."),
]


def write(root: Path) -> None:
    repo = root / "lmsys" / "lmsys-chat-1m"
    write_parquet(ROWS, repo / "data" / "train-00000-of-00001.parquet", SCHEMA)
    write_readme(repo, [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}], "lmsys-chat-1m")
