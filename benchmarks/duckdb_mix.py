"""The bagel mix as one straightforward DuckDB SQL script: what an analyst would write instead of
the pipeline, starting from the same normalized parts and decontamination matches.

Same steps, done the obvious way: drop matched ids, keep each id from its first source in
(priority, name) order (SFT; DPO dedups within a source), cap each source by a hash order
(default cap: 50,000 of sources with >= 75,000 rows), render every assistant turn in the
recipe's k of n formats per row (`mix.formats_per_row`: k consecutive formats from a start chosen
by the id's hash) with SQL string templates (history included), shuffle by a hash and write zstd
Parquet with DuckDB's own COPY. No strata, weights, checks, manifest or byte-for-byte determinism
guarantees: a lower bound on what the same output costs in a general engine.
"""

from __future__ import annotations

from pathlib import Path

from bagel_data.formats.templates import ALPACA_PREAMBLE, BOS, DEFAULT_SYSTEM, EOS, VICUNA_DEFAULT_SYSTEM
from bagel_data.recipe import Recipe


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sources_values(recipe: Recipe) -> str:
    rows = []
    for s in recipe.enabled_sources():
        cap = "NULL" if s.cap is None else str(int(s.cap))
        rows.append(f"({_q(s.name)}, {int(s.priority)}, {cap})")
    return ",\n    ".join(rows)


def _turn(fmt: str, role: str, content: str) -> str:
    """SQL for one history message in a format."""
    if fmt == "alpaca":
        return f"CASE WHEN {role} = 'user' THEN '### Instruction:\n' || {content} || '\n### Response:\n' ELSE {content} || '\n' END"
    if fmt == "vicuna":
        return f"CASE WHEN {role} = 'user' THEN 'USER: ' || {content} || '\nASSISTANT:' ELSE ' ' || {content} || '\n' END"
    if fmt == "chatml":
        return f"CASE WHEN {role} = 'user' THEN '{BOS}user\n' || {content} || '\n{EOS}\n{BOS}assistant\n' ELSE {content} || '\n{EOS}\n' END"
    return f"CASE WHEN {role} = 'user' THEN '{BOS}[INST] ' || {content} || ' [/INST]' ELSE ' ' || {content} || ' {EOS}' END"


def _start(fmt: str, system: str) -> str:
    default = _q(VICUNA_DEFAULT_SYSTEM if fmt == "vicuna" else DEFAULT_SYSTEM)
    sys = f"coalesce(nullif({system}, ''), {default})"
    if fmt == "alpaca":
        return f"{_q(ALPACA_PREAMBLE)} || '### Instruction:\n' || {sys} || '\n'"
    if fmt == "vicuna":
        return f"{sys} || '\n'"
    if fmt == "chatml":
        return f"'{BOS}system\n' || {sys} || '\n{EOS}\n'"
    return f"'[INST] <<SYS>>\n' || {sys} || '\n<</SYS>>\n\n'"


def _prompt(fmt: str, system: str, history: str, user: str) -> str:
    hist = f"array_to_string(list_transform({history}, lambda m: {_turn(fmt, 'm.role', 'm.content')}), '')"
    return f"{_start(fmt, system)} || {hist} || {_turn(fmt, chr(39) + 'user' + chr(39), user)}"


def _completion(fmt: str, content: str) -> str:
    if fmt == "chatml":
        return f"{content} || '\n{EOS}'"
    return content if fmt == "alpaca" else f"' ' || {content}"


def script(home: Path, out: Path, recipe: Recipe, formats: list[str], threads: int = 2, memory_limit: str = "8GB", temp_directory: Path | None = None) -> str:
    """The SQL text (run it with duckdb.execute or the duckdb CLI)."""
    norm = home / "normalized"
    matches = home / "decontam" / "matches.parquet"
    exempt = ", ".join(_q(s) for s in (recipe.mix.get("exempt_from_dedup") or [])) or "''"
    sft_case = " ".join(f"WHEN {_q(f)} THEN {_prompt(f, 'system', 'list_slice(conversation, 1, 2 * t)', 'conversation[2 * t + 1].content')}" for f in formats)
    sft_done = " ".join(f"WHEN {_q(f)} THEN {_completion(f, 'conversation[2 * t + 2].content')}" for f in formats)
    dpo_case = " ".join(f"WHEN {_q(f)} THEN {_prompt(f, 'system', '[]::STRUCT(role VARCHAR, content VARCHAR)[]', 'prompt')}" for f in formats)
    fmt_values = ", ".join(f"({_q(f)}, {i})" for i, f in enumerate(formats))
    n = len(formats)
    k_sft = int(recipe.mix.get("formats_per_row", n))
    k_dpo = int(recipe.mix.get("dpo_formats_per_row", k_sft))
    return f"""
SET threads TO {threads};
SET memory_limit = '{memory_limit}';
{f"SET temp_directory = '{temp_directory}';" if temp_directory else ""}
SET preserve_insertion_order = false;
CREATE TEMP TABLE sources(origin VARCHAR, priority INT, cap BIGINT);
INSERT INTO sources VALUES
    {_sources_values(recipe)};
CREATE TEMP TABLE formats(format VARCHAR, ord INT);
INSERT INTO formats VALUES {fmt_values};
CREATE TEMP TABLE removed AS SELECT DISTINCT train_id AS id FROM read_parquet('{matches}');

CREATE TEMP TABLE sft AS
WITH rows AS (
    SELECT id, source, system, conversation, NULL::VARCHAR AS text, split_part(filename, '/', -2) AS origin
    FROM read_parquet('{norm}/*/instructions.parquet', filename = true)
    UNION ALL BY NAME
    SELECT id, source, NULL AS system, NULL AS conversation, text, split_part(filename, '/', -2) AS origin
    FROM read_parquet('{norm}/*/texts.parquet', filename = true)
), clean AS (
    SELECT r.*, s.priority, s.cap FROM rows r JOIN sources s USING (origin) ANTI JOIN removed USING (id)
), first AS (
    SELECT * FROM clean QUALIFY row_number() OVER (PARTITION BY id ORDER BY priority, origin) = 1
), sized AS (
    SELECT *, count(*) OVER (PARTITION BY origin) AS n, row_number() OVER (PARTITION BY origin ORDER BY hash(id)) AS k FROM first
)
SELECT * EXCLUDE (n, k) FROM sized WHERE k <= coalesce(cap, CASE WHEN n >= {recipe.default_cap_threshold} THEN {recipe.default_cap} END, n);

COPY (
    SELECT id || CASE WHEN t > 0 THEN '#' || t ELSE '' END AS id, source, format,
           CASE format {sft_case} END AS prompt,
           CASE format {sft_done} END AS completion,
           list_slice(conversation, 1, 2 * t + 2) AS messages
    FROM (SELECT *, unnest(range(len(conversation) // 2)) AS t FROM sft WHERE conversation IS NOT NULL) CROSS JOIN formats
    WHERE (hash(id) % {n} + ord) % {n} < {k_sft}
    UNION ALL
    SELECT id, source, 'text' AS format, '' AS prompt, text AS completion, [{{'role': 'assistant', 'content': text}}] AS messages
    FROM sft WHERE text IS NOT NULL
    ORDER BY hash(id || format)
) TO '{out}/sft' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000, FILE_SIZE_BYTES '256MB');

CREATE TEMP TABLE dpo AS
WITH rows AS (
    SELECT p.*, split_part(filename, '/', -2) AS origin FROM read_parquet('{norm}/*/preferences.parquet', filename = true) p
), clean AS (
    SELECT r.*, s.priority, s.cap FROM rows r JOIN sources s USING (origin) ANTI JOIN removed USING (id)
), first AS (
    SELECT * FROM clean
    QUALIFY row_number() OVER (PARTITION BY CASE WHEN origin IN ({exempt}) THEN origin || id ELSE id END ORDER BY priority, origin) = 1
), sized AS (
    SELECT *, count(*) OVER (PARTITION BY origin) AS n, row_number() OVER (PARTITION BY origin ORDER BY hash(id)) AS k FROM first
)
SELECT * EXCLUDE (n, k) FROM sized WHERE k <= coalesce(cap, CASE WHEN n >= {recipe.default_cap_threshold} THEN {recipe.default_cap} END, n);

COPY (
    SELECT id, source, format, CASE format {dpo_case} END AS prompt, chosen, rejected
    FROM dpo CROSS JOIN formats WHERE (hash(id) % {n} + ord) % {n} < {k_dpo} ORDER BY hash(id || format)
) TO '{out}/dpo' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000, FILE_SIZE_BYTES '256MB');
"""
