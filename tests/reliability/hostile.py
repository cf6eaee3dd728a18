"""A hostile upstream on 127.0.0.1 and the escape/markup corpus it serves.

:data:`CORPUS` is every kind of text that has reached a terminal or Rich raw: OSC 0
(window title), OSC 52 (clipboard write), OSC 8 (hyperlink), CSI (clear screen, colour),
the 8-bit C1 forms (U+009B CSI, U+009D OSC), a DCS string, NUL bytes, BEL, a bare
carriage return, a bidi override, and the Rich markup that crashed or linked
(``[/]``, ``[link=http://ev.il]CLICK``, ``[/x]``). :data:`HOSTILE` joins them, the
markup first so that outputs cutting a message short still carry it.

:class:`HostileServer` is a raw HTTP/1.1 server (a socket, not a framework, so status
lines and bodies are byte-exact) answering like the real sources but with the corpus
where the error text goes:

- FRED keyed JSON (``/fred/series/observations``): a 200 with ``error_code`` and
  ``error_message`` = :data:`HOSTILE`;
- the Bank of Japan (``/api/v1/getDataCode``): a 200 with ``STATUS`` 400 and
  ``MESSAGE`` = :data:`HOSTILE`;
- anything else (the NY Fed): ``503`` with a reason phrase carrying the markup and the
  C1 bytes HTTP allows there (``obs-text``), and :data:`HOSTILE` as the error body;

and it echoes any ``api_key`` it is sent in a ``Location`` header, a ``Set-Cookie``, an
``X-Echo`` header and the body (as given, upper-cased, percent-encoded). FRED's answers
cycle through :attr:`HostileServer.fred_answers`: ``json`` (above), ``binary`` (a body
that is not UTF-8, holding the key raw, percent-encoded and as UTF-16) and ``redirect``
(a 302 whose ``Location`` carries the key back in the query string).
"""

from __future__ import annotations

import json
import socket
import threading
from types import TracebackType
from urllib.parse import parse_qs, quote, urlsplit

CORPUS: dict[str, str] = {
    "rich close": "[/]",
    "rich link": "[link=http://ev.il]CLICK",
    "rich close x": "[/x]",
    "osc 0 title": "\x1b]0;pwned-title\x07",
    "osc 52 clipboard": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "osc 8 hyperlink": "\x1b]8;;http://ev.il\x1b\\LINK\x1b]8;;\x1b\\",
    "csi": "\x1b[2J\x1b[31mRED\x1b[0m",
    "c1 csi u+009b": "\u009b2J",
    "c1 osc u+009d": "\u009d0;c1-title\u009c",
    "dcs": "\x1bP+q544e\x1b\\",
    "nul bytes": "a\x00b\x00c",
    "bel": "\x07",
    "carriage return": "\rOVERWRITE",
    "bidi override": "\u202eevil",
}
"""Name -> hostile text. Its size is the corpus count of the closing note."""

HOSTILE = " ".join(CORPUS.values())
"""Every corpus entry in one text, markup first."""

MARKUP_SHOWN = ("[/]", "CLICK", "[/x]")
"""What must appear literally where the text is shown (markup shown, not interpreted)."""

REASON = b"Bad \x9b2J \x9d0;t\x9c [/] [link=http://ev.il]CLICK"
"""A status line's reason phrase: markup, and C1 bytes (HTTP's obs-text allows 0x80-0xFF)."""


def unsafe_chars(text: str) -> list[str]:
    """Every ESC, other C0 control (but newline and tab), DEL, C1 control or bidi override in ``text``."""
    return [
        c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
    ]


class HostileServer:
    """The raw hostile server on a free 127.0.0.1 port (a thread per connection).

    Attributes:
        url: ``http://127.0.0.1:PORT``.
        hits: request targets seen, in order.
    """

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.hits: list[str] = []
        self.fred_answers: list[str] = ["json"]
        self._fred = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        try:  # wakes the accept() blocked in _serve; on Linux close() alone does not, and join waited 5 s
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                target = data.split(b" ", 2)[1].decode("latin-1")
                self.hits.append(target)
                conn.sendall(self.answer(target))
            except OSError:
                return

    def answer(self, target: str) -> bytes:
        """The raw HTTP response for one request target."""
        parts = urlsplit(target)
        key = (parse_qs(parts.query).get("api_key") or [""])[0]
        echo: list[tuple[bytes, bytes]] = []
        if key:  # a server that echoes the key everywhere it can
            echo = [
                (b"Location", f"{self.url}{target}".encode()),
                (b"Set-Cookie", f"session={key}; Path=/".encode()),
                (b"X-Echo", key.upper().encode()),
            ]
        if parts.path.endswith("/fred/series/observations"):
            with self._lock:
                kind = self.fred_answers[self._fred % len(self.fred_answers)]
                self._fred += 1
            if kind == "binary":
                body = b"\xff\xfe\x00" + key.encode() + b"\x00" + _percent(key).encode() + key.encode("utf-16-le")
                return _response(b"200 OK", body, b"application/octet-stream", echo)
            if kind == "redirect":
                there = f"{self.url}{parts.path}?series_id=X&api_key={key}&file_type=json&again=1"
                return _response(b"302 Found", b"", b"text/plain", [(b"Location", there.encode()), *echo[1:]])
            doc: dict[str, object] = {"error_code": 400, "error_message": HOSTILE}
            if key:
                doc["echo"] = [key, key.upper(), quote(key, safe=""), _percent(key), _percent(key).lower()]
            return _response(b"200 OK", json.dumps(doc).encode(), b"application/json", echo)
        if parts.path.endswith("/api/v1/getDataCode"):
            doc = {"STATUS": 400, "MESSAGEID": "M181005E", "MESSAGE": HOSTILE, "RESULTSET": []}
            return _response(b"200 OK", json.dumps(doc).encode(), b"application/json", echo)
        return _response(b"503 " + REASON, HOSTILE.encode(), b"text/plain; charset=utf-8", echo)


def _percent(text: str) -> str:
    """Every character percent-encoded (``%66%30...``), as a server may echo it."""
    return "".join(f"%{b:02X}" for b in text.encode())


def _response(status: bytes, body: bytes, ctype: bytes, extra: list[tuple[bytes, bytes]]) -> bytes:
    head = [b"HTTP/1.1 " + status, b"Content-Type: " + ctype, b"Content-Length: " + str(len(body)).encode()]
    head += [k + b": " + v for k, v in extra]
    head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body
