"""The socket ``casetrail serve --workers N`` hands its workers gives every connection
TCP_NODELAY, as a single-process server's does: otherwise each kept-alive response after the
first waits about 40 ms for the client's delayed ACK between its headers and its body."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import uvicorn

from api.cli.serve import tcp_listener


async def nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on the server side of a connection accepted by asyncio, as uvicorn's
    workers accept them."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Report, sock=listener)
    async with server:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(seen, timeout=10)
        finally:
            writer.close()


def test_the_workers_listener_turns_nagle_off_on_every_connection() -> None:
    config = uvicorn.Config("api.cli.serve:worker_app", host="127.0.0.1", port=0, workers=2)
    listener = tcp_listener(config)
    try:
        assert listener.proto == socket.IPPROTO_TCP
        # A loop of its own, on a thread of its own: the browser tests' session keeps one
        # running on this thread.
        with ThreadPoolExecutor(1) as thread:
            assert thread.submit(asyncio.run, nodelay_of_accepted(listener)).result(30) != 0
    finally:
        listener.close()
