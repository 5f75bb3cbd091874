"""A query's result as an HTTP response: whole when its head holds it, else streamed from its source.

Runners (:mod:`sahel_kg.query.runners`, :mod:`sahel_kg.query.processes`) answer
``(head, source)`` and know nothing of HTTP; this is where the web layer
turns that pair into a response.
"""

from __future__ import annotations

from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope
from starlette.types import Send as ASGISend

from sahel_kg.query.evaluation import Head
from sahel_kg.query.runners import Source, drain


class SourceResponse(StreamingResponse):
    """A streamed result that stops its :class:`Source` as soon as the response ends, however it ends.

    Starlette abandons the body iterator when the client disconnects while a
    chunk is being sent; the iterator's own ``finally`` would then run only
    when the garbage collector finalizes it, and the worker feeding it would
    stay blocked until then. Cancelling here frees it at once.
    """

    def __init__(self, source: Source, first: bytes, status: int, headers: dict[str, str], media_type: str):
        super().__init__(drain(source, first), status, headers=headers, media_type=media_type)
        self.source = source

    async def __call__(self, scope: Scope, receive: Receive, send: ASGISend) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.source.cancel()


def respond(head: Head, source: Source) -> Response:
    """A plain response for a complete head, a streamed one otherwise."""
    headers = {"Vary": "Accept", **head.headers}
    if head.done:
        return Response(head.body, head.status, headers=headers, media_type=head.media_type)
    return SourceResponse(source, head.body, head.status, headers, head.media_type)
