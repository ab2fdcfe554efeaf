"""The PDF's stylesheets with the theme's custom properties written in place (workarounds.py says why: the
flat_css_variables workaround); the HTML keeps the variables, which browsers resolve for free.
"""

from __future__ import annotations

import re

ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}")
DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;]+?)\s*;")
VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*?)\s*)?\)")


def custom_properties(sheets: list[str]) -> dict[str, str]:
    """The :root custom properties of `sheets` in cascade order: a later sheet's value wins."""
    properties: dict[str, str] = {}
    for sheet in sheets:
        for block in ROOT_BLOCK.findall(sheet):
            properties.update(DECLARATION.findall(block))
    return properties


def flatten(sheet: str, properties: dict[str, str]) -> str:
    """`sheet` without :root blocks, each var() replaced by its value or fallback (left as written if neither)."""
    def value(match: re.Match) -> str:
        name, fallback = match.group(1), match.group(2)
        return properties.get(name, fallback if fallback is not None else match.group(0))
    return VAR.sub(value, ROOT_BLOCK.sub("", sheet))


def flattened(sheets: dict[str, bytes]) -> dict[str, bytes]:
    """The same stylesheets (by URL, in cascade order), their custom properties written in place."""
    texts = {url: data.decode("utf-8") for url, data in sheets.items()}
    properties = custom_properties(list(texts.values()))
    return {url: flatten(text, properties).encode("utf-8") for url, text in texts.items()}
