"""Runs the shipped desk cache (deploy/nginx) in front of the loopback market, and triffin panes.

Shared by ``test_desk_proxy.py`` (which asserts) and ``outage.py`` (which measures a real
one-minute outage for the report), so both run the same configuration the README ships:
``deploy/nginx/render.py`` fills the template with loopback values, and nginx runs as an
ordinary process with its own prefix, cache and temp folders (``nginx -p DIR``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "nginx"
SOURCES = (
    "FRED",
    "FRED_API",
    "TREASURY",
    "BUNDESBANK",
    "MOF",
    "NYFED",
    "ECB",
    "BOJ",
    "YAHOO",
    "TREASURYDIRECT",
    "TIC",
    "FISCALDATA",
)
CA_FILES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")
_LOG = re.compile(
    r'\[(?P<time>[^\]]+)\] "GET (?P<uri>\S+)" (?P<status>\d{3}) \d+ cache=(?P<cache>\S+) upstream=(?P<upstream>\S+)'
)


def find_nginx() -> str | None:
    """The nginx binary (PATH, then Debian's /usr/sbin), or None."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def _new_prefix() -> Path:
    path = Path(tempfile.mkdtemp(prefix="triffin-nginx-"))
    path.chmod(0o755)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ca_file() -> str | None:
    """A CA bundle for ``proxy_ssl_trusted_certificate`` (loaded at start even for http origins)."""
    return next((p for p in CA_FILES if os.path.isfile(p)), None)


def render_args(
    listen: str, origin_port: int, ca: str, shared_key: str = "", scheme: str = "http", host: str = "127.0.0.1"
) -> list[str]:
    """``render.py --set`` arguments: every origin on the loopback market, paths in the prefix."""
    values = {
        "TRIFFIN_LISTEN": listen,
        "TRIFFIN_CACHE_PATH": "cache",
        "TRIFFIN_ACCESS_LOG": "access.log",
        "TRIFFIN_ERROR_LOG": "error.log",
        "TRIFFIN_CA_FILE": ca,
        "TRIFFIN_ORIGIN_SCHEME": scheme,
        "TRIFFIN_ORIGIN_PORT": str(origin_port),
        "TRIFFIN_FRED_SHARED_KEY": shared_key,
        **{f"TRIFFIN_{name}_HOST": host for name in SOURCES},
    }
    out: list[str] = []
    for key, value in values.items():
        out += ["--set", f"{key}={value}"]
    return out


@dataclass
class NginxCache:
    """One nginx process serving the rendered desk cache from ``prefix``.

    Args:
        nginx: the binary.
        prefix: an empty folder (config, cache, logs and temp files go there); by default
            a new one under the system temp folder, removed by :meth:`cleanup`. (When the
            tests run as root, nginx's workers run as ``nobody`` and must be able to reach
            the cache folder: pytest's own temp folders are private to root.)
        origin_port: port of the loopback market every origin points at.
        max_valid: when set, every ``proxy_cache_valid 200`` is capped to this many seconds
            (a test cannot wait the shipped ten minutes for an entry to expire).
        shared_key: the desk's shared FRED key (``TRIFFIN_FRED_SHARED_KEY``).
        scheme, host, ca: how the origins are reached (``https``, a host name the
            certificate names, the CA that signed it) for the TLS test.
    """

    nginx: str
    origin_port: int
    prefix: Path = field(default_factory=lambda: _new_prefix())
    max_valid: float | None = None
    shared_key: str = ""
    scheme: str = "http"
    host: str = "127.0.0.1"
    ca: str | None = None
    port: int = 0
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def render(self) -> None:
        ca = self.ca or ca_file()
        if ca is None:
            raise RuntimeError("no CA bundle to point proxy_ssl_trusted_certificate at")
        self.port = free_port()
        args = render_args(f"127.0.0.1:{self.port}", self.origin_port, ca, self.shared_key, self.scheme, self.host)
        done = subprocess.run(
            [sys.executable, str(DEPLOY / "render.py"), "--out-dir", str(self.prefix), *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            raise RuntimeError(f"render.py failed: {done.stderr.strip()}")
        if self.max_valid is not None:
            conf = self.prefix / "triffin-cache.conf"
            text = re.sub(
                r"proxy_cache_valid 200 \S+;", f"proxy_cache_valid 200 {self.max_valid:g}s;", conf.read_text()
            )
            conf.write_text(text)

    def start(self, timeout: float = 10.0) -> None:
        """Render, start in the foreground (``daemon off``) and wait until it answers."""
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.render()
        conf = str(self.prefix / "nginx.conf")
        self.proc = subprocess.Popen(
            [self.nginx, "-p", str(self.prefix), "-c", conf, "-e", "stderr", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {err.strip()[:500]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        """Stop this nginx (its master process, by pid) and wait for it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def cleanup(self) -> None:
        """Stop, then remove the prefix folder."""
        self.stop()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def log(self) -> list[dict[str, str]]:
        """The access log's lines as dicts (uri, status, cache, upstream)."""
        path = self.prefix / "access.log"
        if not path.exists():
            return []
        return [m.groupdict() for m in map(_LOG.search, path.read_text().splitlines()) if m]

    def cache_statuses(self) -> Counter[str]:
        return Counter(entry["cache"] for entry in self.log())

    def __enter__(self) -> NginxCache:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def snapshot_env(cache_dir: Path, config: Path, proxy: str | None) -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", TRIFFIN_CACHE_DIR=str(cache_dir), TRIFFIN_CONFIG=str(config))
    env.pop("TRIFFIN_CACHE_PROXY", None)
    env.pop("FRED_API_KEY", None)
    if proxy is not None:
        env["TRIFFIN_CACHE_PROXY"] = proxy
    return env


def run_panes(n: int, workdir: Path, config: Path, proxy: str | None, timeout: float = 400.0) -> list[dict[str, Any]]:
    """Start ``n`` ``triffin snapshot --format json`` processes at once; their documents.

    Each pane has its own cache folder (a cold start, as a new pane on a new machine), so
    every one of them asks for everything; only a shared HTTP cache can spare the upstream.
    """
    procs = []
    for i in range(n):
        env = snapshot_env(workdir / f"pane{i}", config, proxy)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tui", "snapshot", "--format", "json", "--timeout", "150"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    docs = []
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(timeout=5)
            raise
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"snapshot exited {proc.returncode}: {err.decode(errors='replace')[-500:]}")
        docs.append(json.loads(out))
    return docs


PANE_SETTINGS = "timeout = 60"
"""Per-request timeout of the test panes: dozens of processes starting at once on two cores
can starve a request for seconds, and what is measured here is requests, not latency."""

MARKET_SOURCES = ("fred", "treasury", "bundesbank", "mof", "nyfed", "ecb", "boj", "yahoo")
"""The sources whose formats the loopback market speaks; panes switch every other one off
(no test may reach the internet, and a source answering 404 would only add noise)."""


def _other_sources() -> list[str]:
    from datafeed.providers import load_all

    lines = []
    for name in sorted(set(load_all()) - set(MARKET_SOURCES)):
        lines += [f"[sources.{name}]", "enabled = false"]
    return lines


def loopback_config(path: Path, base: str) -> Path:
    """A config with every source at its built-in URL (so the proxy applies), BoJ unthrottled.

    Without a proxy the panes are pointed at the market directly through ``base`` instead
    (see :func:`direct_config`).
    """
    path.write_text("\n".join([PANE_SETTINGS, "[sources.boj]", "min_interval = 0.0", *_other_sources()]) + "\n")
    return path


def direct_config(path: Path, base: str) -> Path:
    """A config pointing every source straight at the loopback market (no proxy)."""
    lines = [PANE_SETTINGS, *_other_sources()]
    for name in MARKET_SOURCES:
        lines += [f"[sources.{name}]", f'base_url = "{base}"']
        if name == "boj":
            lines.append("min_interval = 0.0")
    path.write_text("\n".join(lines) + "\n")
    return path
