"""The shipped nginx cache (deploy/nginx), request by request, against the loopback market.

What a desk relies on, each checked on a running nginx: byte-for-byte forwarding, HITs
with ``X-Cache-Status``, one upstream request for a burst (``proxy_cache_lock``),
revalidation with ``If-None-Match`` (a 304 renews the entry), FRED API keys kept out of the
cache and the logs (cached only for the desk's shared key), cookies neither forwarded nor
stored, the real origin's Host header, and nothing but GET/HEAD on known sources. Plus the
renderer's refusals and the template's origins matching triffin's built-in ones.
"""

from __future__ import annotations

import concurrent.futures
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from datafeed.providers import load_all
from tests.desk.harness import DEPLOY, NginxCache, ca_file, find_nginx, free_port, render_args
from tests.loopback_market import LoopbackMarket

NGINX = find_nginx()
needs_nginx = pytest.mark.skipif(
    NGINX is None or ca_file() is None, reason="nginx is not installed (.ci/run installs Debian's nginx package)"
)
SHARED_KEY = "0123456789abcdef0123456789abcdef"
PERSONAL_KEY = "fedcba9876543210fedcba9876543210"
FRED = "/fred/graph/fredgraph.csv?id=DGS10&cosd=2026-11-02"


# ----------------------------------------------------------------------- rendering, no nginx
def _render(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "render.py"), *args], capture_output=True, text=True, timeout=30
    )


def test_the_template_knows_every_origin_triffin_uses() -> None:
    env = dict(line.split("=", 1) for line in (DEPLOY / "triffin-cache.env").read_text().splitlines() if "=" in line)
    hosts = {k.removeprefix("TRIFFIN_").removesuffix("_HOST").lower(): v for k, v in env.items() if k.endswith("_HOST")}
    for name, provider in load_all().items():
        if not provider.__module__.startswith("datafeed.providers."):
            continue  # a plug-in source needs a location of its own (docs/desk.md)
        assert hosts.get(name) == httpx.URL(provider.base_url).host, f"{name}: template origin differs"
        if provider.api_base_url:
            assert hosts.get(f"{name}_api") == httpx.URL(provider.api_base_url).host
    for name in ("treasurydirect", "tic", "fiscaldata"):  # the sources being added
        assert hosts.get(name), name
    conf = (DEPLOY / "triffin-cache.conf").read_text()
    for name in hosts:
        location = name.replace("_api", "-api")
        assert re.search(rf"location /{location}/ \{{[^}}]*proxy_cache_valid 200 \d+[smh];", conf), location


def test_render_fills_every_placeholder() -> None:
    done = _render()
    assert done.returncode == 0, done.stderr
    assert "${" not in done.stdout and "server fred.stlouisfed.org:443" in done.stdout
    assert "proxy_ssl_server_name on;" in done.stdout and "proxy_cache_lock on;" in done.stdout


@pytest.mark.skipif(shutil.which("envsubst") is None, reason="envsubst (gettext-base) is not installed")
def test_envsubst_and_the_docker_image_render_the_same_config() -> None:
    # The nginx Docker image runs `envsubst "${NAME} ..."` with every defined variable over
    # /etc/nginx/templates/*.template; Debian users can do the same by hand.
    env = dict(line.split("=", 1) for line in (DEPLOY / "triffin-cache.env").read_text().splitlines() if "=" in line)
    names = " ".join(f"${{{k}}}" for k in env if not k.startswith("#"))
    done = subprocess.run(
        ["envsubst", names],
        input=(DEPLOY / "triffin-cache.conf").read_text(),
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert done.returncode == 0 and done.stdout == _render().stdout


@pytest.mark.parametrize(
    "value",
    ["TRIFFIN_LISTEN=8080; include /etc/passwd", "TRIFFIN_FRED_HOST=a}b", "TRIFFIN_LISTEN=", "TRIFFIN_CA_FILE=$x"],
)
def test_render_refuses_values_that_change_the_structure(value: str) -> None:
    done = _render("--set", value)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1, done.stderr


def test_render_refuses_unknown_names() -> None:
    done = _render("--set", "TRIFFIN_NOPE=1")
    assert done.returncode == 2 and "unknown name" in done.stderr


# ----------------------------------------------------------------------- a running nginx
@pytest.fixture(scope="module")
def desk() -> Any:
    if NGINX is None or ca_file() is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx package)")
    market = LoopbackMarket(validators=True)
    base = market.start()
    cache = NginxCache(NGINX, int(base.rsplit(":", 1)[1]), max_valid=1.0, shared_key=SHARED_KEY)
    cache.start()
    yield market, cache
    cache.cleanup()
    market.stop()


def _get(cache: NginxCache, path: str, **headers: str) -> httpx.Response:
    return httpx.get(cache.url + path, headers=headers, timeout=10)


def _upstream(market: LoopbackMarket, path: str) -> list[tuple[str, int]]:
    return [(line, status) for line, status in market.requests if line == path]


@needs_nginx
def test_forwarding_is_byte_for_byte_and_a_repeat_is_a_hit(desk: Any) -> None:
    market, cache = desk
    market.reset_counts()
    raw = "/yahoo/v8/finance/chart/%5ETNX?range=1d&interval=5m"
    first, second = _get(cache, raw), _get(cache, raw)
    assert first.status_code == 200 and first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT" and second.content == first.content
    assert market.requests == [("/v8/finance/chart/%5ETNX?range=1d&interval=5m", 200)]
    seen = market.headers[0]
    assert seen["host"] == "127.0.0.1"  # the origin's own host name, not the cache's
    assert "cookie" not in seen and "x-forwarded-for" not in seen


@needs_nginx
def test_a_burst_of_identical_requests_makes_one_upstream_request(desk: Any) -> None:
    market, cache = desk
    market.reset_counts()
    market.latency = 0.5  # the first answer takes long enough for the others to pile up
    path = "/fred/graph/fredgraph.csv?id=DGS2&cosd=2026-10-01"
    try:
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: _get(cache, path), range(20)))
    finally:
        market.latency = 0.0
    assert {a.status_code for a in answers} == {200} and len({a.content for a in answers}) == 1
    assert len(_upstream(market, "/graph/fredgraph.csv?id=DGS2&cosd=2026-10-01")) == 1
    assert sorted(a.headers["X-Cache-Status"] for a in answers).count("MISS") == 1


@needs_nginx
def test_an_expired_entry_is_revalidated_with_if_none_match(desk: Any) -> None:
    market, cache = desk
    market.reset_counts()
    path = "/ecb/service/data/EST/B.EU000A2X2A25.WT?format=csvdata&startPeriod=2026-11-01&detail=dataonly"
    first = _get(cache, path)
    time.sleep(1.3)  # the test's validity is 1 s
    deadline, again = time.monotonic() + 10, first
    while time.monotonic() < deadline:
        again = _get(cache, path)
        if again.headers["X-Cache-Status"] in ("REVALIDATED", "HIT") and len(market.requests) >= 2:
            break
        time.sleep(0.1)
    upstream = market.requests
    assert [s for _, s in upstream] == [200, 304], upstream  # the second ask carried If-None-Match
    assert market.headers[1].get("if-none-match", "").startswith('"')
    assert again.status_code == 200 and again.content == first.content


@needs_nginx
def test_fred_api_keys_never_reach_the_cache_or_the_log_unless_shared(desk: Any) -> None:
    market, cache = desk
    market.reset_counts()
    personal = f"/fred-api/fred/series/observations?series_id=DGS5&api_key={PERSONAL_KEY}&file_type=json"
    answers = [_get(cache, personal) for _ in range(2)]
    assert all(a.status_code == 200 and '"observations"' in a.text for a in answers)
    assert all(a.headers["X-Cache-Status"] == "BYPASS" for a in answers)
    assert len(market.requests) == 2, "a personal key is never served from the shared cache"
    shared = f"/fred-api/fred/series/observations?series_id=DGS5&api_key={SHARED_KEY}&file_type=json"
    statuses = [_get(cache, shared).headers["X-Cache-Status"] for _ in range(2)]
    assert statuses == ["MISS", "HIT"] and len(market.requests) == 3
    twice = f"{shared}&api_key={PERSONAL_KEY}"
    assert [_get(cache, twice).headers["X-Cache-Status"] for _ in range(2)] == ["BYPASS", "BYPASS"]
    encoded = f"/fred-api/fred/series/observations?series_id=DGS5&file_type=json&Api%5Fkey={PERSONAL_KEY}"
    assert _get(cache, encoded).headers["X-Cache-Status"] == "BYPASS"
    # Neither key is written anywhere by nginx: not in the access log, not in any cache file.
    written = [(cache.prefix / "access.log").read_bytes()]
    written += [p.read_bytes() for p in (cache.prefix / "cache").rglob("*") if p.is_file()]
    written += [(cache.prefix / "error.log").read_bytes()] if (cache.prefix / "error.log").exists() else []
    for key in (SHARED_KEY, PERSONAL_KEY):
        assert not any(key.encode() in blob for blob in written), "an API key was written to disk"
    assert any(b"series_id=DGS5&file_type=json" in blob for blob in written)  # the log line, key-free


@needs_nginx
def test_cookies_are_neither_forwarded_nor_handed_out(desk: Any) -> None:
    market, cache = desk
    market.reset_counts()
    answer = _get(
        cache, "/nyfed/api/rates/secured/sofr/search.json?startDate=2026-11-01&endDate=2026-11-30", Cookie="A3=secret"
    )
    assert answer.status_code == 200 and "set-cookie" not in answer.headers
    assert "cookie" not in market.headers[0]


@needs_nginx
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nosuch/x", 404), ("GET", "/", 404), ("POST", FRED, 405), ("DELETE", FRED, 405)],
)
def test_only_get_on_known_sources(desk: Any, method: str, path: str, status: int) -> None:
    market, cache = desk
    market.reset_counts()
    assert httpx.request(method, cache.url + path, timeout=10).status_code == status
    assert market.requests == []


@needs_nginx
def test_the_standalone_config_passes_nginx_t(desk: Any, tmp_path: Path) -> None:
    _, cache = desk
    done = subprocess.run(
        [NGINX, "-t", "-p", str(cache.prefix), "-c", str(cache.prefix / "nginx.conf"), "-e", "stderr"],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# ----------------------------------------------------------------------- TLS to the origins
class _TlsOrigin:
    """An HTTPS origin on 127.0.0.1 recording the SNI name and Host header it was sent."""

    def __init__(self, cert: Path, key: Path) -> None:
        import http.server
        import ssl
        import threading

        self.sni: list[str | None] = []
        self.hosts: list[str] = []
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                origin.hosts.append(self.headers.get("Host", ""))
                body = b"observation_date,DGS10\n2026-11-02,4.31\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, name, ctx: origin.sni.append(name)  # type: ignore[assignment,misc]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _certificates(folder: Path) -> tuple[Path, dict[str, tuple[Path, Path]]]:
    """A test CA, and certificates it signed for ``localhost`` and for another name."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=triffin test CA")  # fmt: skip
    out: dict[str, tuple[Path, Path]] = {}
    for name in ("localhost", "elsewhere.example"):
        (folder / f"{name}.ext").write_text(f"subjectAltName=DNS:{name}\n")
        run(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={name}",
        )
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")  # fmt: skip
        out[name] = (folder / f"{name}.pem", folder / f"{name}.key")
    return folder / "ca.pem", out


@needs_nginx
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_origins_get_sni_their_host_name_and_a_verified_certificate(tmp_path: Path) -> None:
    ca, certs = _certificates(tmp_path)
    for name, expected in (("localhost", 200), ("elsewhere.example", 502)):
        origin = _TlsOrigin(*certs[name])
        cache = NginxCache(NGINX, origin.port, scheme="https", host="localhost", ca=str(ca))  # type: ignore[arg-type]
        try:
            cache.start()
            answer = _get(cache, FRED)
        finally:
            cache.cleanup()
            origin.stop()
        assert answer.status_code == expected, (name, answer.status_code)
        assert "localhost" in origin.sni, "nginx must send the origin's name in SNI"
        if expected == 200:
            assert origin.hosts == ["localhost"] and answer.text.startswith("observation_date")
        else:
            assert origin.hosts == [], "a certificate for another name is refused before any request"


@needs_nginx
@pytest.mark.skipif(
    not Path("/etc/nginx/nginx.conf").is_file() or os.geteuid() != 0 or not _has_user("www-data"),
    reason="needs Debian's /etc/nginx, root and www-data (its master starts workers as www-data)",
)
def test_the_readme_debian_recipe_serves_through_the_stock_nginx_conf(desk: Any) -> None:
    # The README's Debian recipe, run for real on a copy of /etc/nginx (the system is left
    # alone): the rendered file in conf.d/ of the stock nginx.conf (its own log formats,
    # gzip, `user www-data`), the cache under a root-owned folder made by `install -d`,
    # master as root. On a fresh machine the workers must create and write the cache as
    # www-data; `nginx -t` alone proves neither. Only the default site (port 80), the pid
    # file and the log folder are moved out of the way. Origins on loopback: tests have no DNS.
    market, desk_cache = desk
    origin_port = desk_cache.origin_port
    root = Path(tempfile.mkdtemp(prefix="triffin-debian-"))  # pytest's tmp_path is private to root
    root.chmod(0o755)
    proc: subprocess.Popen[bytes] | None = None
    try:
        etc, logs = root / "etc-nginx", root / "log"
        shutil.copytree("/etc/nginx", etc, symlinks=True)
        logs.mkdir()
        conf = (etc / "nginx.conf").read_text().replace("/etc/nginx/", f"{etc}/")
        conf = conf.replace("/run/nginx.pid", f"{root}/nginx.pid").replace("/var/log/nginx/", f"{logs}/")
        (etc / "nginx.conf").write_text(conf.replace(f"include {etc}/sites-enabled/*;", ""))
        subprocess.run(["install", "-d", str(root / "var-cache-nginx")], check=True, timeout=30)
        port = free_port()
        args = render_args(f"127.0.0.1:{port}", origin_port, ca_file() or "", scheme="http", host="127.0.0.1")
        paths = {
            "TRIFFIN_CACHE_PATH=cache": f"TRIFFIN_CACHE_PATH={root}/var-cache-nginx/triffin",
            "_LOG=access.log": f"_LOG={logs}/triffin-cache.access.log",
            "_LOG=error.log": f"_LOG={logs}/triffin-cache.error.log",
        }
        for old, new in paths.items():
            args = [a.replace(old, new) for a in args]
        rendered = _render(*args)
        assert rendered.returncode == 0, rendered.stderr
        (etc / "conf.d" / "triffin-cache.conf").write_text(rendered.stdout)
        cmd = [NGINX, "-c", str(etc / "nginx.conf"), "-e", "stderr"]  # type: ignore[list-item]
        done = subprocess.run([*cmd, "-t"], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
        proc = subprocess.Popen([*cmd, "-g", "daemon off;"], stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}{FRED}"
        deadline = time.monotonic() + 15
        while True:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            try:
                first = httpx.get(url, timeout=20)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the stock nginx never answered"
                time.sleep(0.05)
        market.reset_counts()
        second = httpx.head(url, timeout=20)  # the README's `curl -sI ... | grep X-Cache-Status`
        assert first.status_code == 200 and first.text.startswith("observation_date,DGS10")
        assert first.headers["X-Cache-Status"] == "MISS" and second.headers["X-Cache-Status"] == "HIT"
        assert market.requests == [], "the HEAD was answered from the cache"
        folder = root / "var-cache-nginx" / "triffin"
        assert folder.stat().st_uid == pwd.getpwnam("www-data").pw_uid, "nginx made the cache folder for its workers"
        assert any(p.is_file() for p in folder.rglob("*")), "the workers wrote the entry"
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stderr:
                proc.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


@needs_nginx
@pytest.mark.skipif(
    not Path("/etc/nginx/nginx.conf").is_file() or not os.access("/var/log/nginx", os.W_OK),
    reason="needs Debian's /etc/nginx and a writable /var/log/nginx (root)",
)
def test_the_rendered_file_fits_debians_stock_nginx_conf(tmp_path: Path) -> None:
    # The README's Debian recipe: the rendered file dropped into conf.d/ of the stock
    # nginx.conf (its own log formats, gzip, sites-enabled/default). Origins on loopback:
    # `nginx -t` resolves them, and tests have no DNS.
    etc = tmp_path / "etc-nginx"
    shutil.copytree("/etc/nginx", etc, symlinks=True)
    conf = (etc / "nginx.conf").read_text().replace("/etc/nginx/", f"{etc}/")
    (etc / "nginx.conf").write_text(conf)
    args = render_args("127.0.0.1:1", 9, ca_file() or "", scheme="https", host="127.0.0.1")
    args = [a.replace("TRIFFIN_CACHE_PATH=cache", f"TRIFFIN_CACHE_PATH={tmp_path}/cache") for a in args]
    args = [a.replace("_LOG=access.log", f"_LOG={tmp_path}/access.log") for a in args]
    args = [a.replace("_LOG=error.log", f"_LOG={tmp_path}/error.log") for a in args]
    rendered = _render(*args)
    assert rendered.returncode == 0, rendered.stderr
    (etc / "conf.d" / "triffin-cache.conf").write_text(rendered.stdout)
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(etc / "nginx.conf"), "-e", "stderr"],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
