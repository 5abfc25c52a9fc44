"""Read the keys of a TypeScript interface in extension/src/api-types.ts, for mirror tests."""

from __future__ import annotations

import re
from pathlib import Path

API_TYPES = Path(__file__).resolve().parents[1] / "extension" / "src" / "api-types.ts"


def interface_keys(name: str) -> set[str]:
    """The property names of ``export interface NAME [extends BASE, ...] { ... }``, with the
    bases' properties."""
    source = API_TYPES.read_text(encoding="utf-8")
    match = re.search(
        rf"export interface {name}(?: extends ([\w, ]+))? \{{(.*?)\n\}}", source, re.S
    )
    assert match, f"{name} not found in {API_TYPES}"
    body = re.sub(r"/\*\*.*?\*/", "", match.group(2), flags=re.S)
    keys = set(re.findall(r"^\s*(\w+)\??:", body, re.M))
    for base in (match.group(1) or "").split(","):
        if base.strip():
            keys |= interface_keys(base.strip())
    return keys
