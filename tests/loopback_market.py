"""A loopback stand-in for every upstream source at once, speaking each real wire format.

Why: issue-level checks ("with every source pointed at loopback servers speaking their
formats, snapshot shows ...") and the performance benchmark need every source answering
in its own format with coherent numbers. The numbers come from the seeded demo market
(synthetic, for tests only); the *formats* are the real ones: FRED's fredgraph CSV,
Treasury's par-curve CSV (newest first, quoted headers), Bundesbank BBK-CSV (BOM, preamble),
MOF's jgbcme CSV, NY Fed JSON, ECB csvdata, Bank of Japan getDataCode JSON (every calendar
day, nulls on holidays), Yahoo's v8 chart and v7 spark JSON, and the demand side's TIC table, Fiscal Data
envelope and TreasuryDirect records (``tests/loopback_demand.py``).

Use from tests (``LoopbackMarket().start()`` → base URL) or standalone::

    python tests/loopback_market.py [--latency-ms 100]     # prints the port, serves forever

Official sources serve closes through the session before ``session``; Yahoo serves an
intraday quote for ``session``. :meth:`LoopbackMarket.publish_close` makes the official
sources serve ``session``'s close too (so the intraday quote must yield to it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from datafeed.catalog import INSTRUMENTS
from datafeed.demo import DemoMarket

ET = ZoneInfo("America/New_York")
TREASURY_LABELS = (
    "1 Mo", "1.5 Month", "2 Mo", "3 Mo", "4 Mo", "6 Mo", "1 Yr", "2 Yr", "3 Yr", "5 Yr", "7 Yr", "10 Yr", "20 Yr", "30 Yr",
)  # fmt: skip
"""Every column of the Treasury's par-curve CSV since 2025, in its order."""
TREASURY_COLUMNS = {r.series: i.id for i in INSTRUMENTS for r in i.sources if r.source == "treasury"}
"""Treasury column label → instrument id (the columns no instrument reads are served empty)."""
MOF_TENORS = ["1Y", "2Y", "3Y", "4Y", "5Y", "6Y", "7Y", "8Y", "9Y", "10Y", "15Y", "20Y", "25Y", "30Y", "40Y"]
MOF_IDS = {r.series: i.id for i in INSTRUMENTS for r in i.sources if r.source == "mof"}
BUNDESBANK_IDS = {r.series: i.id for i in INSTRUMENTS for r in i.sources if r.source == "bundesbank"}


HISTORY_START = dt.date(1998, 1, 5)
"""First day served. Before the feed's daily history start (FRED from 1999), as at the real
sources: a cache filled once then covers what the feed asks for, and a warm pass asks only
for recent dates. Served from 2000 the once-per-run backfill of the Treasury yields from
FRED found a gap before 2000 on every start and asked again: 11 requests a warm pass that
real sources would not cost."""


def _fred_cell(v: float) -> str:
    """One fredgraph value: empty when missing, else as FRED writes it."""
    return "" if np.isnan(v) else repr(round(float(v), 4))


def last_weekday(d: dt.date) -> dt.date:
    """``d`` or the Friday before it."""
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def _previous_weekday(d: dt.date) -> dt.date:
    return last_weekday(d - dt.timedelta(days=1))


class LoopbackMarket:
    """Every source on one loopback HTTP server (paths tell the sources apart).

    Args:
        session: the trading day quoted intraday (default: today or the Friday before).
        latency_ms: delay added to every answer (for the refresh benchmark).
        seed: demo market seed.
    """

    def __init__(
        self,
        session: dt.date | None = None,
        latency_ms: float = 0.0,
        seed: int = 11,
        validators: bool = False,
        prefixed: bool = False,
    ) -> None:
        self.session = session or last_weekday(dt.datetime.now(dt.UTC).date())
        self.latency = latency_ms / 1000.0
        self.published_through = _previous_weekday(self.session)
        full = DemoMarket(seed=seed, end=self.session, start=HISTORY_START).history_series()
        self._full = full
        self.hits: dict[str, int] = {}
        """Requests answered, per source (:meth:`source_of`); outage answers excluded."""
        self.validators = validators
        """Send ``ETag``/``Last-Modified`` and answer ``If-None-Match`` with 304 (as the real
        Treasury and MOF servers do), for tests of revalidating caches."""
        self.prefixed = prefixed
        """Requests arrive as ``/<source>/<path>`` (triffin's proxy mode, datafeed.proxy, with
        no proxy in between): the first path segment is dropped before routing."""
        self.outage: str | None = None
        """None (serving), ``"503"`` (every request answered 503), ``"close"`` (the
        connection is closed without an answer) or ``"hang"`` (no answer until the outage
        ends): an upstream outage for cache tests."""
        self.requests: list[tuple[str, int]] = []
        """Every request line received, with the status answered (304 and outages included)."""
        self.headers: list[dict[str, str]] = []
        """The request headers of each entry of :attr:`requests` (names lower-cased)."""
        self.not_modified = 0
        self.refused = 0
        """Requests met by the outage (503 or closed)."""
        self._count_lock = threading.Lock()
        self._answers: dict[tuple[str, dt.date, dt.date], tuple[int, str, str]] = {}
        self._server: ThreadingHTTPServer | None = None

    # ----------------------------------------------------------------- data
    def publish_close(self) -> None:
        """Official sources now also serve ``session``'s close."""
        self.published_through = self.session

    def series(self, inst_id: str) -> pd.Series:
        """Official values of one instrument up to what is published."""
        s = self._full.get(inst_id)
        if s is None:
            return pd.Series([], dtype="float64")
        return s.loc[: pd.Timestamp(self.published_through)]

    def quote(self, inst_id: str) -> float:
        """The intraday quote for ``session``: the session close nudged by a small amount."""
        s = self._full[inst_id]
        return round(float(s.iloc[-1]) + (0.013 if s.iloc[-1] < 50 else float(s.iloc[-1]) * 0.001), 6)

    # ------------------------------------------------------------ rendering
    def fred_csv(self, code: str, cosd: str) -> str | None:
        """fredgraph.csv for ``id=code``; ``code`` may list several series (``A,B``): one
        column each, a row per date any of them has, blank where one has none (None, a 404,
        when any id is unknown)."""
        codes = code.split(",")
        columns = [self._fred_series(c, cosd) for c in codes]
        if any(c is None for c in columns):
            return None
        if len(codes) == 1:
            s = columns[0]
            assert s is not None
            rows = "".join(f"{d:%Y-%m-%d},{_fred_cell(v)}\n" for d, v in s.items())
            return f"observation_date,{code}\n{rows}"
        frame = pd.concat(columns, axis=1, keys=codes).sort_index()
        lines = [
            f"{d:%Y-%m-%d}," + ",".join(_fred_cell(v) for v in row)
            for d, row in zip(frame.index, frame.to_numpy(), strict=True)
        ]
        return f"observation_date,{code}\n" + "".join(line + "\n" for line in lines)

    def _fred_series(self, code: str, cosd: str) -> pd.Series | None:
        ref = None
        for inst in INSTRUMENTS:
            for r in inst.sources:
                if r.source == "fred" and r.series == code:
                    ref = (inst.id, r)
        if ref is None:
            return None
        inst_id, r = ref
        s = self.series(inst_id)
        if r.frequency == "monthly" and len(s):
            s = s.resample("MS").mean().round(4)
        s = s.loc[pd.Timestamp(cosd or "1900-01-01") :]
        if r.scale != 1.0:  # served in FRED's own unit (USD mn for custody and Z.1)
            s = s / r.scale
        return s

    def fred_json(self, code: str, start: str) -> str | None:
        """FRED's keyed ``fred/series/observations`` JSON (``value`` a string, ``.`` when missing)."""
        body = self.fred_csv(code, start)
        if body is None:
            return None
        rows = [line.split(",") for line in body.splitlines()[1:]]
        observations = [{"date": d, "value": v or "."} for d, v in rows]
        return json.dumps({"observation_start": start, "count": len(observations), "observations": observations})

    def treasury_csv(self, year: int) -> str:
        frame = pd.DataFrame({col: self.series(i) for col, i in TREASURY_COLUMNS.items()})
        frame = frame[frame.index.year == year].sort_index(ascending=False)
        header = "Date," + ",".join(f'"{c}"' for c in TREASURY_LABELS)
        lines = [header]
        for d, row in frame.iterrows():
            cells = ["" if c not in frame.columns or np.isnan(row[c]) else f"{row[c]:.2f}" for c in TREASURY_LABELS]
            lines.append(f"{d:%m/%d/%Y}," + ",".join(cells))
        return "\n".join(lines)

    def bundesbank_csv(self, key: str, start: str) -> str | None:
        inst_id = BUNDESBANK_IDS.get(key)
        if inst_id is None:
            return None
        s = self.series(inst_id).loc[pd.Timestamp(start or "1900-01-01") :]
        lines = [
            f'\ufeff"",{key},{key}_FLAGS',
            '"","Term structure of interest rates on listed Federal securities (method by Svensson) / residual maturity of 10.0 year(s) / daily data",',
            "Decimals,2,",
            "Unit,Percent,",
            "Time format code,P1D,",
            f"last update,{self.published_through} 09:41:02,",
        ]
        lines += [f"{d:%Y-%m-%d},{v:.2f}," for d, v in s.items()]
        return "\n".join(lines) + "\n"

    def mof_csv(self, history: bool) -> str:
        frame = pd.DataFrame({t: self.series(i) for t, i in MOF_IDS.items()}).dropna(how="all")
        first_of_month = pd.Timestamp(self.published_through.replace(day=1))
        frame = frame[frame.index < first_of_month] if history else frame[frame.index >= first_of_month]
        lines = ["Interest Rate,,,,,,,,,,,,,,,(Unit : %)", "Date," + ",".join(MOF_TENORS)]
        for d, row in frame.iterrows():
            cells = [("" if np.isnan(row[t]) else f"{row[t]:.3f}") if t in MOF_IDS else "" for t in MOF_TENORS]
            lines.append(f"{d.year}/{d.month}/{d.day}," + ",".join(cells))
        return "\r\n".join(lines) + "\r\n"

    def nyfed_json(self, start: str, end: str) -> str:
        s = self.series("sofr").loc[pd.Timestamp(start) : pd.Timestamp(end)]
        rows = [
            f'{{ "effectiveDate": "{d:%Y-%m-%d}", "type": "SOFR" ,"percentRate": {v:.2f} ,"volumeInBillions": 2008 ,"revisionIndicator": "" }}'
            for d, v in s.iloc[::-1].items()
        ]
        return '{ "refRates": [ ' + ", ".join(rows) + " ] }"

    def ecb_csv(self, start: str) -> str | None:
        s = self.series("estr").loc[pd.Timestamp(start or "1900-01-01") :]
        if s.empty:
            return None
        lines = ["KEY,FREQ,BENCHMARK_ITEM,DATA_TYPE_EST,TIME_PERIOD,OBS_VALUE"]
        lines += [f"EST.B.EU000A2X2A25.WT,B,EU000A2X2A25,WT,{d:%Y-%m-%d},{v:.3f}" for d, v in s.items()]
        return "\n".join(lines) + "\n"

    def boj_json(self, start: str, end: str) -> str:
        first = dt.date(int(start[:4]), int(start[4:6]), 1)
        last_month = dt.date(int(end[:4]), int(end[4:6]), 1)
        stop = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        s = self.series("tona")
        by_day = {d.date(): v for d, v in s.loc[pd.Timestamp(first) : pd.Timestamp(stop)].items()}
        days = [first + dt.timedelta(days=i) for i in range((stop - first).days + 1)]
        values = ["null" if d not in by_day else f"{by_day[d]:.3f}" for d in days]
        return (
            '{\n"STATUS":200,\n"MESSAGEID":"M181000I",\n"MESSAGE":"Successfully completed",\n'
            '"DATE":"2026-03-30T9:05:12.041+09:00",\n"PARAMETER":{\n"FORMAT":"JSON",\n"LANG":"EN",\n"DB":"FM01",\n'
            f'"STARTDATE":"{start}",\n"ENDDATE":"{end}",\n"STARTPOSITION":""\n}},\n"NEXTPOSITION":null,\n"RESULTSET":[\n{{\n'
            '"SERIES_CODE":"STRDCLUCON",\n"NAME_OF_TIME_SERIES":"Call Rate, Uncollateralized Overnight, Average (Daily)",\n'
            '"UNIT":"percent per annum",\n"FREQUENCY":"DAILY",\n"CATEGORY":"Call Rate",\n"LAST_UPDATE":20260330,\n'
            f'"VALUES":{{\n"SURVEY_DATES":[{",".join(d.strftime("%Y%m%d") for d in days)}],\n"VALUES":[{",".join(values)}]\n}}\n}}\n]\n}}'
        )

    def _yahoo_inst(self, symbol: str) -> str | None:
        return next((i.id for i in INSTRUMENTS if i.intraday and i.intraday.series == symbol), None)

    def yahoo_result(self, inst_id: str, symbol: str) -> dict[str, Any]:
        """One symbol's ``chart.result[0]`` (a spark answer's ``response[0]`` is the same object)."""
        open_ = dt.datetime.combine(self.session, dt.time(9, 30), ET)
        close = dt.datetime.combine(self.session, dt.time(16, 0), ET)
        stamps = [int((open_ + dt.timedelta(minutes=5 * k)).timestamp()) for k in range(60, 66)]
        value = self.quote(inst_id)
        closes: list[float | None] = [value - 0.002, None, value - 0.001, value, None, None]
        period = {
            "timezone": "EST",
            "start": int(open_.timestamp()),
            "end": int(close.timestamp()),
            "gmtoffset": -18000,
        }
        return {
            "meta": {
                "currency": "USD",
                "symbol": symbol,
                "exchangeTimezoneName": "America/New_York",
                "gmtoffset": -18000,
                "timezone": "EST",
                "regularMarketPrice": value,
                "currentTradingPeriod": {"pre": period, "regular": period, "post": period},
                "dataGranularity": "5m",
                "range": "1d",
            },
            "timestamp": stamps,
            "indicators": {
                "quote": [{"close": closes, "open": closes, "high": closes, "low": closes, "volume": [0] * 6}]
            },
        }

    def yahoo_json(self, symbol: str) -> tuple[int, str]:
        """A v8 chart answer for one symbol (404 with Yahoo's error envelope when unknown)."""
        inst_id = self._yahoo_inst(symbol)
        if inst_id is None:
            return 404, json.dumps(
                {
                    "chart": {
                        "result": None,
                        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
                    }
                }
            )
        return 200, json.dumps({"chart": {"result": [self.yahoo_result(inst_id, symbol)], "error": None}})

    def yahoo_spark(self, symbols: str) -> tuple[int, str]:
        """A v7 spark answer: each symbol's chart result, in Yahoo's envelope. As Yahoo does,
        more than 20 symbols are a 400 and one unknown symbol fails the whole request (404)."""
        asked = [s for s in symbols.split(",") if s]
        if not asked or len(asked) > 20:
            description = "Number of symbols needs to be less than or equal to 20" if asked else "Missing symbols"
            return 400, json.dumps(
                {"spark": {"result": None, "error": {"code": "Bad Request", "description": description}}}
            )
        found = {s: self._yahoo_inst(s) for s in asked}
        if None in found.values():
            return 404, json.dumps(
                {
                    "spark": {
                        "result": None,
                        "error": {"code": "Not Found", "description": "No data found for spark symbols"},
                    }
                }
            )
        results = [{"symbol": s, "response": [self.yahoo_result(i, s)]} for s, i in found.items() if i is not None]
        return 200, json.dumps({"spark": {"result": results, "error": None}})

    # --------------------------------------------------------------- server
    def route(self, raw_path: str) -> tuple[int, str, str]:
        """(status, content type, body) for one GET.

        Answers are kept per (path, session, published_through): rendering 25 years of CSV
        in Python takes this server 0.1-0.5 s of CPU per request, which on a small machine
        would add to the configured latency and compete with the client being measured.
        """
        key = (raw_path, self.session, self.published_through)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._render(raw_path)
            if len(self._answers) >= 256:
                self._answers.pop(next(iter(self._answers)))
            self._answers[key] = answer
        return answer

    def _render(self, raw_path: str) -> tuple[int, str, str]:
        url = urlparse(raw_path)
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = unquote(url.path)
        if path.endswith("/graph/fredgraph.csv"):
            body = self.fred_csv(q.get("id", ""), q.get("cosd", ""))
            return (200, "text/csv", body) if body is not None else (404, "text/plain", "Not Found")
        if path.endswith("/fred/series/observations"):
            if not q.get("api_key"):
                return (
                    400,
                    "application/json",
                    '{"error_code":400,"error_message":"Bad Request.  Variable api_key is not set."}',
                )
            body = self.fred_json(q.get("series_id", ""), q.get("observation_start", ""))
            return (200, "application/json", body) if body is not None else (404, "text/plain", "Not Found")
        if "/daily-treasury-rates.csv/" in path:
            year = int(path.split("/daily-treasury-rates.csv/")[1].split("/")[0])
            return 200, "text/csv", self.treasury_csv(year)
        if path.startswith("/rest/data/BBSIS/"):
            body = self.bundesbank_csv("BBSIS." + path.rsplit("/", 1)[1], q.get("startPeriod", ""))
            return (200, "text/csv", body) if body is not None else (404, "text/plain", "No results found.")
        if path.endswith("/interest_rate/jgbcme.csv"):
            return 200, "text/csv", self.mof_csv(history=False)
        if path.endswith("/historical/jgbcme_all.csv"):
            return 200, "text/csv", self.mof_csv(history=True)
        if path.endswith("/sofr/search.json"):
            return (
                200,
                "application/json",
                self.nyfed_json(q.get("startDate", "1900-01-01"), q.get("endDate", "2999-01-01")),
            )
        if path.startswith("/service/data/EST/"):
            body = self.ecb_csv(q.get("startPeriod", ""))
            return (200, "text/csv", body) if body else (404, "text/plain", "No results found.")
        if path.endswith("/api/v1/getDataCode"):
            return (
                200,
                "application/json",
                self.boj_json(
                    q.get("startDate", q.get("startdate", "200001")), q.get("endDate", q.get("enddate", "203001"))
                ),
            )
        if path.startswith("/v8/finance/chart/"):
            status, body = self.yahoo_json(path.rsplit("/", 1)[1])
            return status, "application/json", body
        if path == "/v7/finance/spark":
            status, body = self.yahoo_spark(q.get("symbols", ""))
            return status, "application/json", body
        from tests import loopback_demand

        demand = loopback_demand.route(self, path, q)
        return demand if demand is not None else (404, "text/plain", "Not Found")

    @staticmethod
    def source_of(raw_path: str) -> str:
        """Which source a request path belongs to (for request counts)."""
        from tests.loopback_demand import MARKERS

        path = urlparse(raw_path).path
        for marker, name in (
            *MARKERS,
            ("/graph/fredgraph.csv", "fred"),
            ("/fred/series/", "fred"),
            ("/daily-treasury-rates.csv/", "treasury"),
            ("/rest/data/", "bundesbank"),
            ("/interest_rate/", "mof"),
            ("/api/rates/", "nyfed"),
            ("/service/data/", "ecb"),
            ("/api/v1/", "boj"),
            ("/finance/", "yahoo"),
        ):
            if marker in path:
                return name
        return "other"

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL (``http://127.0.0.1:PORT``)."""
        market = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if market.latency:
                    time.sleep(market.latency)
                outage = market.outage
                seen = {k.lower(): v for k, v in self.headers.items()}
                if outage is not None:
                    with market._count_lock:
                        market.refused += 1
                        market.requests.append((self.path, 503 if outage == "503" else 0))
                        market.headers.append(seen)
                    if outage in ("close", "hang"):
                        if outage == "hang":  # accepts, then never answers (up to a minute)
                            deadline = time.monotonic() + 60
                            while market.outage == "hang" and time.monotonic() < deadline:
                                time.sleep(0.05)
                        self.close_connection = True
                        return
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    return
                path = self.path
                if market.prefixed:
                    parts = path.split("/", 2)
                    path = "/" + parts[2] if len(parts) == 3 else "/"
                status, ctype, body = market.route(path)
                data = body.encode("utf-8")
                etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
                fresh = market.validators and status == 200 and self.headers.get("If-None-Match") == etag
                key = market.source_of(path)
                with market._count_lock:
                    market.hits[key] = market.hits.get(key, 0) + 1
                    market.not_modified += fresh
                    market.requests.append((self.path, 304 if fresh else status))
                    market.headers.append(seen)
                self.send_response(304 if fresh else status)
                if market.validators and status == 200:
                    self.send_header("ETag", etag)
                if fresh:
                    self.end_headers()
                    return
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            # socketserver's default listen backlog is 5: a client opening 16 connections at
            # once (the feed's first pass) had some SYNs dropped and retried after the 1 s TCP
            # timeout, which made a 100 ms request take 1.1 s. Real servers queue far more.
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                # A client closing a kept-alive connection (a process exiting, a proxy
                # trimming its pool) is normal here, not worth a traceback on stderr.
                import sys

                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def total_hits(self) -> int:
        """Requests answered so far (every source; outage answers not included)."""
        with self._count_lock:
            return sum(self.hits.values())

    def reset_counts(self) -> None:
        """Forget every count and request line (between measurement rounds)."""
        with self._count_lock:
            self.hits.clear()
            self.requests.clear()
            self.headers.clear()
            self.not_modified = self.refused = 0

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def config_text(self, base: str) -> str:
        """A config pointing every source at ``base`` (and switching off any it does not speak)."""
        from datafeed.providers import source_names

        names = ("fred", "treasury", "bundesbank", "mof", "nyfed", "ecb", "boj", "yahoo", "tic", "fiscaldata")
        names += ("treasurydirect",)
        out = []
        for name in source_names():
            if name not in names:
                out += [f"[sources.{name}]", "enabled = false"]
        for name in names:
            out += [f"[sources.{name}]", f'base_url = "{base}"']
            if name == "fred":
                out.append(f'api_base_url = "{base}"')
            if name in ("boj", "tic", "fiscaldata", "treasurydirect"):
                out.append("min_interval = 0.0")
            if name == "yahoo":
                out += [f'cookie_url = "{base}/cookie"', f'crumb_url = "{base}/v1/test/getcrumb"']
        return "\n".join(out) + "\n"


def main() -> None:
    """Serve forever, printing the port (for benchmarks and trying triffin by hand)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--config-out", help="write a triffin config pointing at this server")
    args = parser.parse_args()
    market = LoopbackMarket(latency_ms=args.latency_ms)
    base = market.start()
    if args.config_out:
        with open(args.config_out, "w") as fh:
            fh.write(market.config_text(base))
    print(base.rsplit(":", 1)[1], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        market.stop()


if __name__ == "__main__":
    # Run as a script (``python tests/loopback_market.py``), the repository root is not on
    # sys.path and the demand routes (``tests.loopback_demand``) would not import: every
    # request got an empty reply.
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
