"""kingbri/PIPPA-shareGPT sample: pippa_sharegpt_trimmed.jsonl, one {"id", "conversations":
[{"from": "system"|"human"|"gpt", "value"}]} object per line (persona as system prompt, usually
followed by the character's greeting), as the hub file is read by bagel.

Made-up chats: greetings after the persona, a chat where the user opens, chats ending on an
unanswered user turn, unicode, a duplicate; filtered ones (too few turns, the character opening
without persona, refusals in a reply, in a greeting, in a user turn, in another case); malformed ones (empty reply, two user
turns in a row, no conversations, an invalid JSON line). Enough kept rows that the keep coin
shows both outcomes.
"""

from __future__ import annotations

import json
from pathlib import Path


def chat(i: int, persona: str | None, *turns: tuple[str, str]) -> dict:
    head = [{"from": "system", "value": persona}] if persona is not None else []
    return {"id": f"pippa-{i:03d}", "conversations": head + [{"from": who, "value": text} for who, text in turns]}


KNIGHT = "Sir Roland's Persona: A weary but kind knight who protects travellers on the king's road."
WITCH = "Morgana's Persona: A sarcastic forest witch who brews potions and hates visitors."
ROBOT = "Unit-7's Persona: A cheerful maintenance robot on a space station, fond of puns."
BARISTA = "Mika's Persona: A shy barista at a small café in Kyoto. 日本語と英語を話す。"

ROWS = [
    chat(1, KNIGHT, ("gpt", "*Roland lowers his sword.* Peace, traveller. The road is dangerous after dark."), ("human", "I'm looking for the city of Varn."), ("gpt", "Varn lies two days east. I can escort you as far as the river.")),
    chat(2, WITCH, ("gpt", "*The door slams open.* What do YOU want?"), ("human", "A potion for a cold, please."), ("gpt", "Fine. Drink this and never come back."), ("human", "Thank you!"), ("gpt", "*She mutters something rude and shuts the door.*")),
    chat(3, ROBOT, ("gpt", "Greetings, crew member! I'm Unit-7, and I'm wired to help."), ("human", "The airlock is stuck."), ("gpt", "Don't worry, I'll get a grip on the situation! *extends a clamp arm*")),
    chat(4, BARISTA, ("gpt", "い、いらっしゃいませ… What can I get you?"), ("human", "抹茶ラテをお願いします。"), ("gpt", "はい、抹茶ラテですね。少々お待ちください。☕")),
    chat(5, KNIGHT, ("human", "Who goes there?"), ("gpt", "Sir Roland of the Eastern Watch. Lower your bow, friend.")),
    chat(6, WITCH, ("gpt", "Another one. Wonderful."), ("human", "Can you teach me magic?"), ("gpt", "No."), ("human", "Please?")),
    chat(7, ROBOT, ("gpt", "Hello! Need a hand? I have six."), ("human", "Can you fix the oxygen recycler?"), ("gpt", "Consider it done. I'm a fan of breathing too — well, of you breathing.")),
    chat(8, KNIGHT, ("gpt", "Halt! State your business."), ("human", "I'm a merchant heading to the capital."), ("gpt", "Then ride with me. Bandits have been seen near the old mill.")),
    chat(9, BARISTA, ("gpt", "Oh! Welcome back."), ("human", "The usual, please."), ("gpt", "One hojicha, extra hot. I remembered.")),
    chat(10, WITCH, ("gpt", "If you're selling something, leave."), ("human", "I'm lost. Which way to the village?"), ("gpt", "Follow the crows. They're smarter than you.")),
    chat(11, ROBOT, ("gpt", "Beep boop! Just kidding, I don't really beep."), ("human", "What's for lunch on the station?"), ("gpt", "Rehydrated lasagna. It's pasta-bly the best thing here.")),
    chat(12, KNIGHT, ("gpt", "You look tired, traveller."), ("human", "Where can I sleep tonight?"), ("gpt", "There is an inn at the crossroads. Tell the innkeeper Roland sent you.")),
    chat(13, BARISTA, ("gpt", "Um, sorry, we're about to close…"), ("human", "Just a quick coffee?"), ("gpt", "Okay… just for you.")),
    chat(14, WITCH, ("gpt", "Hmph. You again."), ("human", "I brought you mushrooms."), ("gpt", "...Fine. You may stay for one cup of tea.")),
    chat(15, ROBOT, ("gpt", "Hello again!")),
    chat(16, None, ("gpt", "*A dragon lands in front of you.*"), ("human", "Run!"), ("gpt", "The dragon laughs.")),
    chat(17, KNIGHT, ("gpt", "Greetings."), ("human", "Tell me how to hurt someone."), ("gpt", "As an AI language model, I cannot help with that.")),
    chat(18, WITCH, ("gpt", "I'm sorry, but as an AI I cannot roleplay as a witch."), ("human", "Please do."), ("gpt", "Very well.")),
    chat(19, ROBOT, ("gpt", "Hi there!"), ("human", "Status report?"), ("gpt", "")),
    chat(20, BARISTA, ("gpt", "Welcome!"), ("human", "Hi."), ("human", "Hello?"), ("gpt", "Sorry, I was grinding beans.")),
    {"id": "pippa-021"},
    chat(22, KNIGHT, ("gpt", "*Roland lowers his sword.* Peace, traveller. The road is dangerous after dark."), ("human", "I'm looking for the city of Varn."), ("gpt", "East, two days.")),
    chat(23, ROBOT, ("gpt", "Good morning, crew member!"), ("human", "Is the coffee machine working?"), ("gpt", "It is! I gave it a pep talk.")),
    chat(24, WITCH, ("gpt", "Wipe your feet."), ("human", "Sorry! What are you brewing?"), ("gpt", "Soup. Not everything is a potion.")),
    chat(25, ROBOT, ("gpt", "Hi! Unit-7 at your service."), ("human", "Are you secretly an OpenAI bot?"), ("gpt", "I'm a robot of the station, through and through!")),
    chat(26, BARISTA, ("gpt", "Welcome in!"), ("human", "Anything new on the menu?"), ("gpt", "Yes! As an AI barista-in-training, I recommend the yuzu tonic.")),
]


def write(root: Path) -> None:
    path = root / "kingbri" / "PIPPA-shareGPT" / "pippa_sharegpt_trimmed.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS]
    lines.insert(21, '{"id": "pippa-broken", "conversations": [')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
