"""Tables of the README that are generated from the code, so they never drift.

``python scripts/docs_tables.py`` rewrites them; a test fails when the README
is stale, and says to run it.

>>> "SAHEL_KG_PORT" in settings_table()
True
>>> replace_block("a\\n<!-- x:start -->\\nold\\n<!-- x:end -->\\nb", "x", "new")
'a\\n<!-- x:start -->\\nnew\\n<!-- x:end -->\\nb'
"""

from __future__ import annotations

import re

from pydantic_core import PydanticUndefined

from sahel_kg.settings import Settings


def _default(value: object) -> str:
    if value is None or value is PydanticUndefined or value == "":
        return "—"
    return f"`{value}`"


def settings_table() -> str:
    """A Markdown table of every setting: environment variable, default, description."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    rows = ["| environment variable | default | what it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{prefix}{name.upper()}` | {_default(default)} | {description} |")
    return "\n".join(rows)


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the lines between ``<!-- name:start -->`` and ``<!-- name:end -->`` replaced."""
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name}:start --> … <!-- {name}:end --> block")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def render_readme(text: str) -> str:
    """The README with its generated blocks brought up to date."""
    return replace_block(text, "settings", settings_table())
