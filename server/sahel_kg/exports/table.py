"""Tables written as CSV or JSON a few rows at a time, so that no export is ever held whole in memory.

CSV follows RFC 4180 as Python's :mod:`csv` writes it (``\\r\\n`` line ends,
fields with commas, quotes or line breaks quoted, quotes doubled); JSON is an
array of objects, one per row, keys in column order.

>>> "".join(csv_chunks(("a", "b"), [["1", 'say "hi", then\\nleave']]))
'a,b\\r\\n1,"say ""hi"", then\\nleave"\\r\\n'
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


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[str]], chunk_rows: int = CHUNK_ROWS) -> Iterator[str]:
    """The header, then the rows, as CSV text in chunks of ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    pending = 1
    for row in rows:
        writer.writerow(row)
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
