"""Serving a built explorer on localhost with the standard library's http.server."""

from __future__ import annotations

import errno
import functools
import http.server
import signal
import webbrowser
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"


class PortInUse(OSError):
    """The port is taken (or not allowed): the message says how to choose another."""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files; logs only failed requests."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".css": "text/css",
                      ".html": "text/html; charset=utf-8"}

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)


def make_server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(exc.errno, f"cannot serve on {HOST}:{port}: "
                            f"{exc.strerror}; choose another port with --port "
                            "(--port 0 picks a free one)") from None
        raise


def serve(folder: Path, port: int = 8000, open_browser: bool = True,
          echo: Callable[[str], None] = print) -> None:
    """Serve ``folder`` until Ctrl-C; print the address first and open it unless told not to."""
    # Ctrl-C (and SIGTERM) stop the server even when SIGINT was ignored by whatever started
    # this process (background jobs of a non-interactive shell inherit SIG_IGN).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = make_server(folder, port)
    address = f"http://{HOST}:{server.server_address[1]}/"
    echo(f"serving the explorer at {address} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped.")
    finally:
        server.server_close()
