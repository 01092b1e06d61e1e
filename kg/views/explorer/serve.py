"""Serving a built explorer, and the SPARQL endpoint beside it, with the standard library's
threading HTTP server.

The standard library's server is enough here (measured in benchmarks/bench_endpoint.py:
8 clients, 2,000 requests, none failed): each query runs in a forked child process anyway
(kg.ask.sparql), so what the server itself does per request is small, and it adds no
dependency. It speaks HTTP/1.1 with keep-alive, so that a client reuses its connection.

When bound to a loopback address, requests must name a loopback host (Host: 127.0.0.1,
localhost or [::1]): a page on another site cannot reach the server through a DNS name
that points at 127.0.0.1 (DNS rebinding). Nothing the server answers writes anything.
"""

from __future__ import annotations

import errno
import functools
import http.server
import ipaddress
import signal
import socket
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOST = "127.0.0.1"
ENDPOINT_PATH = "/sparql"


class PortInUse(OSError):
    """The port is taken (or not allowed): the message says how to choose another."""


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "::1", "[::1]"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _printable(text: str, limit: int = 200) -> str:
    """``text`` on one line (kg.core.problems.one_line), cut to ``limit`` characters."""
    from kg.core.problems import one_line

    text = one_line(text)
    return text if len(text) <= limit else text[:limit] + "..."


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files, and the endpoint at /sparql when there is one; logs only
    failed requests, each on one line with its path cut short."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may take to send a request (or keep an idle connection)
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".css": "text/css",
                      ".html": "text/html; charset=utf-8"}
    server: SiteServer

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        sys.stderr.write(f"{self.address_string()} - {_printable(format % args, 300)}\n")

    # -- routing --------------------------------------------------------------------------

    def _host_refused(self) -> bool:
        """Whether the Host header names something other than this loopback server."""
        if not self.server.check_host:
            return False
        host = self.headers.get("Host")
        if host is None:
            return False
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if is_loopback(name):
            return False
        self.close_connection = True  # a body, if any, is left unread
        self._reply_json(421, f"this server answers only for 127.0.0.1 and localhost, not "
                              f"{_printable(host, 80)!r}")
        return True

    def _is_endpoint(self) -> bool:
        return self.server.endpoint is not None and urlsplit(self.path).path == ENDPOINT_PATH

    def _send(self, reply: Any, head_only: bool = False) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:  # a body left unread: the client must not reuse this one
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only and reply.body:
            self.wfile.write(reply.body)

    def _reply_json(self, status: int, message: str) -> None:
        from kg.ask.endpoint import error

        self._send(error(status, message))

    def _endpoint(self, method: str) -> None:
        from kg.ask.endpoint import MAX_BODY, error

        body = b""
        if method == "POST":
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                return self._send(error(411, "send the body with a Content-Length"))
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if length < 0:
                self.close_connection = True
                return self._send(error(400, "the Content-Length is not a number"))
            if length > MAX_BODY:
                self.close_connection = True  # the body is left unread
                return self._send(error(413, f"the request body is {length:,} bytes: the "
                                             f"endpoint reads at most {MAX_BODY:,}"))
            body = self.rfile.read(length)
        try:
            reply = self.server.endpoint.handle(method, urlsplit(self.path).query,
                                                self.headers, body)
        except Exception as exc:  # the endpoint's own fault: one line, never a traceback
            self.log_message("endpoint error: %s: %s", type(exc).__name__, exc)
            reply = error(500, "the endpoint failed on this request")
        self._send(reply, head_only=method == "HEAD")

    def _route(self, method: str, otherwise: Callable[[], None]) -> None:
        if self._host_refused():
            return
        if self._is_endpoint():
            return self._endpoint(method)
        otherwise()

    def _file(self) -> None:
        if urlsplit(self.path).path == "/favicon.ico":  # the site has none: no 404 to log
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def _not_here(self) -> None:
        self.close_connection = True
        self._reply_json(405, f"{self.command} is answered only at {ENDPOINT_PATH}")

    def do_GET(self) -> None:  # noqa: N802 (http.server's names)
        self._route("GET", self._file)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route("HEAD", super().do_HEAD)

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST", self._not_here)

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._route("OPTIONS", self._not_here)

    def _refuse_write(self) -> None:
        if self._host_refused():
            return
        self.close_connection = True
        self._reply_json(405, f"{self.command} refused: this server is read-only")

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815


class SiteServer(http.server.ThreadingHTTPServer):
    """The server, holding what its handlers share: the endpoint (None: the site only) and
    whether the Host header is checked (on loopback)."""

    daemon_threads = True
    endpoint: Any = None  # a kg.ask.endpoint.Endpoint
    check_host = True


def make_server(folder: Path, port: int, host: str = HOST, endpoint: Any = None) -> SiteServer:
    """A server for the site in ``folder`` (and ``endpoint`` at /sparql), not yet serving."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    kind = SiteServer if ":" not in host else type(
        "SiteServer6", (SiteServer,), {"address_family": socket.AF_INET6})
    try:
        server = kind((host.strip("[]"), port), handler)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise PortInUse(exc.errno, f"cannot serve on {host}:{port}: "
                            f"{exc.strerror}; choose another port with --port "
                            "(--port 0 picks a free one)") from None
        raise
    server.endpoint = endpoint
    server.check_host = is_loopback(host)
    return server


def address(server: SiteServer) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{shown}:{port}/"


def serve(folder: Path, port: int = 8000, open_browser: bool = True,
          echo: Callable[[str], None] = print, host: str = HOST,
          endpoint: Callable[[str], Any] | None = None) -> None:
    """Serve ``folder`` until Ctrl-C; print the address first and open it unless told not to.
    ``endpoint`` makes the SPARQL endpoint, given its URL, once the port is known."""
    # Ctrl-C (and SIGTERM) stop the server even when SIGINT was ignored by whatever started
    # this process (background jobs of a non-interactive shell inherit SIG_IGN).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = make_server(folder, port, host)
    base = address(server)
    if endpoint is not None:
        server.endpoint = endpoint(base + ENDPOINT_PATH[1:])
    echo(f"serving the explorer at {base} (Ctrl-C to stop)")
    if endpoint is not None:
        echo(f"SPARQL endpoint: {base}{ENDPOINT_PATH[1:]} (query page: {base}sparql.html)")
    if open_browser:
        webbrowser.open(base)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped.")
    finally:
        server.server_close()

