"""Tables written as CSV or JSON a few rows at a time, so that no export is ever held whole in memory.

CSV follows RFC 4180 as Python's :mod:`csv` writes it (``\\r\\n`` line ends,
fields with commas, quotes or line breaks quoted, quotes doubled). A text cell
that a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: OWASP, "CSV Injection") gets a leading
``'``, which spreadsheets show as text; numbers such as ``-6.25`` are left as
they are. JSON is an array of objects, one per row, keys in column order, and
is never altered.

>>> "".join(csv_chunks(("a", "b"), [["1", 'say "hi", then\\nleave']]))
'a,b\\r\\n1,"say ""hi"", then\\nleave"\\r\\n'
>>> "".join(csv_chunks(("a",), [["=1+1"], ["-6.25"]])).split()
['a', "'=1+1", '-6.25']
>>> "".join(json_chunks(("a",), [["x"], ["y"]]))
'[\\n{"a": "x"},\\n{"a": "y"}\\n]\\n'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence

#: Rows per chunk handed to the response or the file.
CHUNK_ROWS = 200
#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_safe(cell: str) -> str:
    """The cell, with a ``'`` before it when a spreadsheet would otherwise run it as a formula.

    >>> spreadsheet_safe("@SUM(A1)"), spreadsheet_safe("-6.25"), spreadsheet_safe("Ségou")
    ("'@SUM(A1)", '-6.25', 'Ségou')
    """
    if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[str]], chunk_rows: int = CHUNK_ROWS) -> Iterator[str]:
    """The header, then the rows, as CSV text in chunks of ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    pending = 1
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue()


def json_chunks(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A JSON array of one object per row, written row by row."""
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False)
        first = False
    yield "\n]\n"
