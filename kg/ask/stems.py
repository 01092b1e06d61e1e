"""Porter stems, by SQLite FTS5's own ``porter`` tokenizer: the stems the search index
holds, so a word is stemmed here exactly as it is indexed. (The explorer's search.js uses the
``stemmer`` package, which gives the same stem for every word of the data:
tests/views/test_search_parity.py.)"""

from __future__ import annotations

import sqlite3
from functools import lru_cache


def stems(found: list[str]) -> list[str]:
    """The stems of folded words."""
    return [stem(word) for word in found]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one folded word (itself when the tokenizer keeps nothing of it)."""
    conn = _stemmer()
    conn.execute("DELETE FROM s")
    conn.execute("INSERT INTO s(rowid, w) VALUES (1, ?)", (word,))
    row = conn.execute("SELECT term FROM v WHERE doc = 1 ORDER BY offset LIMIT 1").fetchone()
    return row[0] if row else word


@lru_cache(maxsize=1)
def _stemmer() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("CREATE VIRTUAL TABLE s USING fts5(w, tokenize='porter unicode61 "
                 "remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(s, instance)")
    return conn
