"""Word lists into regular expressions."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_regex(words: Iterable[str]) -> str:
    """An alternation factored by common prefixes: Python's re tries alternatives one by one, so a
    flat list of a thousand names is slow; a trie fails after one or two characters. Greedy: where
    one word is a prefix of another the longer is tried first, and backtracking reaches the shorter."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict) -> str:
    if not node:
        return ""
    optional = "" in node
    branches = [re.escape(ch) + _node_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


def alternation(words: Iterable[str]) -> str:
    """A non-capturing group that matches exactly one of `words` (as written: add flags for case)."""
    return f"(?:{trie_regex(words)})"
