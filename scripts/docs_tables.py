"""Rewrite the README's generated tables (settings) from the code."""

from pathlib import Path

from sahel_kg.devtools.readme_tables import render_readme

readme = Path(__file__).resolve().parent.parent / "README.md"
readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
print(f"updated {readme}")
