"""How to name the ``sahel-kg`` command in a message, so that the curator can run it as written.

``make .venv/.installed`` installs the command into ``.venv/bin/``, which is not
on ``PATH`` unless the environment is activated: a message that says "run
``sahel-kg fmt``" then names a command the shell cannot find. So messages name
``sahel-kg`` only when ``PATH`` finds this installation's script; otherwise the
script's path, relative to the working directory when it lies below it
(``.venv/bin/sahel-kg`` from the checkout), else in full.

>>> name_for(Path("/co/.venv/bin/sahel-kg"), found=None, cwd=Path("/co"))
'.venv/bin/sahel-kg'
>>> name_for(Path("/co/.venv/bin/sahel-kg"), found="/co/.venv/bin/sahel-kg", cwd=Path("/co"))
'sahel-kg'
>>> name_for(Path("/co/.venv/bin/sahel-kg"), found=None, cwd=Path("/elsewhere"))
'/co/.venv/bin/sahel-kg'
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

NAME = "sahel-kg"


def installed_script() -> Path:
    """The ``sahel-kg`` script installed beside the running Python (``.venv/bin/sahel-kg``)."""
    return Path(sys.executable).parent / (NAME + ".exe" if os.name == "nt" else NAME)


def command_name() -> str:
    """The ``sahel-kg`` command as a curator can type it here, for this installation."""
    script = installed_script()
    return name_for(script, found=shutil.which(NAME), cwd=Path.cwd(), installed=script.exists())


def name_for(script: Path, *, found: str | None, cwd: Path, installed: bool = True) -> str:
    """``sahel-kg`` when ``PATH`` finds ``script`` (``found``), else ``script`` from ``cwd``.

    With no script installed (run as ``python -m sahel_kg.cli``): ``sahel-kg`` if ``PATH`` has one,
    else ``python -m sahel_kg.cli`` with this Python.
    """
    if found and (not installed or os.path.abspath(found) == os.path.abspath(script)):
        return NAME
    if not installed:
        return f"{sys.executable} -m sahel_kg.cli"
    try:
        return script.relative_to(cwd).as_posix()
    except ValueError:
        return script.as_posix()
