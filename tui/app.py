"""Provides the Textual application: feed lifetime, store, and the live table.

The App owns the store(s), the shared HTTP client and the feed workers, because data must
keep flowing while other screens are pushed. Feed workers are async (httpx is async), so
the store is only touched on the event-loop thread and needs no lock.

Modes: ``live`` (cache first, then the feed), ``demo`` (synthetic, labelled), and the
offline fallback: live with an empty cache and no source answering shows the demo feed
under an OFFLINE banner and switches to live data as soon as a source answers.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from datafeed.cache import DiskCache
from datafeed.models import Delta, Status
from datafeed.store import SeriesStore
from tui.config import Config
from tui.messages import FeedPassDone, StoreChanged
from tui.presenters import Row, rows

_marks_fd = os.open(os.environ["TUI_PROBE_MARKS"], os.O_WRONLY | os.O_APPEND) if os.environ.get("TUI_PROBE_MARKS") else None


def probe_mark() -> None:
    """Tell ``tui_probe.py --marks`` that a data update is being applied."""
    if _marks_fd is not None:
        os.write(_marks_fd, b"%d\n" % time.monotonic_ns())


COLUMNS = (("name", "Instrument"), ("last", "Last"), ("change", "Chg"), ("date", "Date"), ("status", "Status"), ("source", "Source"))


class TriffinApp(App[None]):
    """triffin's TUI (minimal live table; the full dashboard builds on it)."""

    TITLE = "triffin"
    SUB_TITLE = "are US Treasuries still the world's safe asset?"
    CSS = """
    #banner { height: auto; display: none; text-style: bold reverse; padding: 0 1; }
    #banner.-shown { display: block; }
    #status { height: 1; padding: 0 1; }
    DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("r", "refresh_now", "Refresh", id="refresh-now"),
        Binding("p", "toggle_pause", "Pause", id="pause"),
    ]

    def __init__(self, config: Config, *, demo: bool = False, today: dt.date | None = None) -> None:
        super().__init__()
        self.config = config
        self.demo = demo
        self.today = today
        self.live_store = SeriesStore()
        self.demo_store: SeriesStore | None = None
        self.mode = "demo" if demo else "live"
        self.feed = None
        self._rows: dict[str, Row] = {}
        self._seen_version = -1
        self._cache_warnings: list[str] = []

    @property
    def store(self) -> SeriesStore:
        """The store on screen: demo while in demo or offline mode, live otherwise."""
        if self.mode in ("demo", "offline") and self.demo_store is not None:
            return self.demo_store
        return self.live_store

    def compose(self) -> ComposeResult:
        yield Static("", id="banner")
        table: DataTable[Text] = DataTable(id="live-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        if self.demo:
            self._start_demo()
        else:
            cache = DiskCache(self.config.cache_dir)
            cache.load_into(self.live_store)
            for w in cache.warnings:
                self.notify(w, severity="warning", timeout=10)
            self.cache = cache
            self._start_live()
        self._paint()
        self._update_banner()
        self.set_interval(30, self._paint_status)

    # ------------------------------------------------------------------ feeds
    def _start_demo(self) -> None:
        from datafeed.demo import DemoMarket

        market = DemoMarket(end=self.today)
        store = SeriesStore(today=(lambda: self.today) if self.today else None)
        store.apply(market.history())
        for inst_id in store.catalog:
            if store.has_data(inst_id):
                store.state[inst_id].status = Status.FRESH
                store.state[inst_id].source = f"demo:{inst_id}"
        self.demo_store = store
        self._demo_ticks(market)

    @work(exclusive=True, group="feed:demo", exit_on_error=False)
    async def _demo_ticks(self, market: object) -> None:
        import asyncio

        while True:
            await asyncio.sleep(2.0)
            if self.demo_store is None:
                return
            delta = self.demo_store.apply(market.tick(dt.datetime.now(dt.UTC)))  # type: ignore[attr-defined]
            if delta:
                self.post_message(StoreChanged(delta.version))

    def _start_live(self) -> None:
        from datafeed.feed import Feed
        from datafeed.http import HttpContext

        http = HttpContext(self.config.feed)
        self.http = http
        self.feed = Feed(
            self.live_store,
            self.config.feed,
            http,
            cache=self.cache,
            on_change=self._on_feed_change,
            intraday_refresh=self.config.intraday_refresh,
        )
        self._run_feed()

    def _on_feed_change(self, delta: Delta) -> None:
        self.post_message(StoreChanged(delta.version))

    @work(exclusive=True, group="feed:live", exit_on_error=False)
    async def _run_feed(self) -> None:
        assert self.feed is not None
        await self.feed.run_forever(on_pass=lambda r: self.post_message(FeedPassDone(r.ok, r.failed)))

    def on_feed_pass_done(self, message: FeedPassDone) -> None:
        if self.demo:
            return
        has_live = any(self.live_store.has_data(i) for i in self.live_store.catalog)
        if message.ok == 0 and not has_live and self.mode == "live":
            self.mode = "offline"
            if self.demo_store is None:
                self._start_demo()
            self._rows.clear()
            self._paint()
        elif message.ok and self.mode == "offline":
            self.mode = "live"
            self.demo_store = None
            self.workers.cancel_group(self, "feed:demo")
            self._rows.clear()
            self._paint()
        self._update_banner()
        self._paint_status()

    async def on_unmount(self) -> None:
        http = getattr(self, "http", None)
        if http is not None:
            await http.aclose()

    # ---------------------------------------------------------------- drawing
    def on_store_changed(self, message: StoreChanged) -> None:
        probe_mark()
        self._paint()

    def _paint(self) -> None:
        table = self.query_one(DataTable)
        new_rows = rows(self.store, today=self.today)
        with self.batch_update():
            for row in new_rows:
                old = self._rows.get(row.id)
                cells = {
                    "name": Text(row.name),
                    "last": Text(row.last, justify="right"),
                    "change": Text(
                        (("▲ " if row.direction > 0 else "▼ " if row.direction < 0 else "  ") + row.change) if row.change else "",
                        style="green" if row.direction > 0 else "red" if row.direction < 0 else "",
                        justify="right",
                    ),
                    "date": Text(row.date),
                    "status": Text(row.status),
                    "source": Text(row.source),
                }
                if old is None:
                    if row.id in table.rows:
                        for key, cell in cells.items():
                            table.update_cell(row.id, key, cell)
                    else:
                        table.add_row(*cells.values(), key=row.id)
                else:
                    for key, cell in cells.items():
                        if getattr(old, key if key != "change" else "change") != getattr(row, key) or (
                            key == "change" and old.direction != row.direction
                        ):
                            table.update_cell(row.id, key, cell)
                self._rows[row.id] = row
        self._paint_status()

    def _update_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        if self.mode == "demo":
            banner.update("DEMO — synthetic data, not market prices")
        elif self.mode == "offline":
            banner.update("OFFLINE — live sources unreachable; showing DEMO data (synthetic, not market prices)")
        banner.set_class(self.mode in ("demo", "offline"), "-shown")

    def _paint_status(self) -> None:
        store = self.store
        counts: dict[str, int] = {}
        for st in store.state.values():
            counts[st.status.value] = counts.get(st.status.value, 0) + 1
        parts = [f"{self.mode.upper()}"] + [f"{k} {v}" for k, v in sorted(counts.items())]
        if self.feed is not None and self.feed.paused:
            parts.append("PAUSED")
        self.query_one("#status", Static).update("  ".join(parts))

    # ---------------------------------------------------------------- actions
    def action_refresh_now(self) -> None:
        if self.feed is not None:
            self.feed.request_refresh()
            self.notify("refreshing all sources")

    def action_toggle_pause(self) -> None:
        if self.feed is not None:
            self.feed.pause(not self.feed.paused)
            self._paint_status()
