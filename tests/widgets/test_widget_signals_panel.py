"""SignalsPanel: regime line, verdicts in words, row-precise updates, SignalChosen."""

from __future__ import annotations

import dataclasses

import pytest
from widget_hosts import REGIME, WidgetHost, lines_of, sample_signals, spy_render_lines

from widgets.data import RegimeView, SignalView
from widgets.signals_panel import SignalsPanel


async def test_regime_on_top_then_each_signal_with_verdict_and_explanation() -> None:
    panel = SignalsPanel(sample_signals(), REGIME)
    async with WidgetHost(panel).run_test(size=(80, 16)):
        lines = lines_of(panel)
        assert lines[0].startswith("REGIME  ERODING  7/10 signals eroding")
        corr = next(i for i, line in enumerate(lines) if "Stock-bond corr 1Y" in line)
        assert "+0.31" in lines[corr] and "ERODING" in lines[corr] and "2026-11-20" in lines[corr]
        assert lines[corr + 1].strip() == "bonds fall with stocks"
        text = "\n".join(lines)
        assert "neutral" in text and "intact" in text and "IG cushion" in text


async def test_no_regime_yet_says_so() -> None:
    panel = SignalsPanel(sample_signals())
    async with WidgetHost(panel).run_test(size=(80, 16)):
        assert lines_of(panel)[0].startswith("REGIME  n/a")


async def test_compact_mode_has_one_line_per_signal() -> None:
    panel = SignalsPanel(sample_signals(), REGIME, compact=True, ascii=True)
    async with WidgetHost(panel).run_test(size=(100, 16)):
        lines = [line for line in lines_of(panel) if line.strip()]
        assert len(lines) == 1 + len(sample_signals())
        assert lines[1].startswith(">") and "less convenience" in lines[1]
        assert "\n".join(lines).isascii()


async def test_update_repaints_only_changed_signals_and_regime_line() -> None:
    panel = SignalsPanel(sample_signals(), REGIME)
    async with WidgetHost(panel).run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        calls = spy_render_lines(panel)
        signals = sample_signals()
        signals[2] = dataclasses.replace(signals[2], value_text="100.1%", verdict="eroding")
        changed = panel.update_signals(signals, RegimeView("ERODING", 8, 10))
        await pilot.pause()
        assert changed == {"debt_gdp"}
        # Lines 0-1 (regime and its count by side) and the two lines of the third signal (2 + 2*2 = 6, 7).
        assert sorted(calls) == [0, 1, 6, 7]
        assert "8/10" in lines_of(panel)[0]
        assert "ERODING" in lines_of(panel)[6]


async def test_new_signal_set_relays_out() -> None:
    panel = SignalsPanel(sample_signals(), REGIME)
    async with WidgetHost(panel).run_test(size=(80, 16)) as pilot:
        extra = SignalView("debt_gdp2", "Extra", "1", "neutral", "x")
        panel.update_signals([*sample_signals(), extra])
        await pilot.pause()
        assert panel.signal_ids[-1] == "debt_gdp2"


async def test_keys_and_enter_post_signal_chosen() -> None:
    panel = SignalsPanel(sample_signals(), REGIME)
    app = WidgetHost(panel)
    async with app.run_test(size=(80, 16), message_hook=app.record) as pilot:
        panel.focus()
        await pilot.press("j", "down", "k", "enter")
        assert panel.cursor_id == "stock_bond_corr_1y"
        assert [m.signal_id for m in app.sent(SignalsPanel.SignalChosen)] == ["stock_bond_corr_1y"]


async def test_double_click_chooses_a_signal() -> None:
    panel = SignalsPanel(sample_signals(), REGIME)
    app = WidgetHost(panel)
    async with app.run_test(size=(80, 16), message_hook=app.record) as pilot:
        # The explanation line (second line of a signal) belongs to it too.
        await pilot.double_click(SignalsPanel, offset=(6, 6))
        assert panel.cursor_id == "debt_gdp"
        assert [m.signal_id for m in app.sent(SignalsPanel.SignalChosen)] == ["debt_gdp"]


def test_views_validate_verdicts() -> None:
    with pytest.raises(ValueError, match="verdict"):
        SignalView("x", "X", "1", "bad")
    assert RegimeView("mixed", 4, 10).verdict == "MIXED"
    with pytest.raises(ValueError):
        RegimeView("SOMETIMES", 1, 2)


async def test_coverage_on_the_regime_line_and_late_or_stale_marks_on_the_signals() -> None:
    signals = sample_signals()
    signals[0] = dataclasses.replace(signals[0], stale=True, late=True)
    signals[1] = dataclasses.replace(signals[1], late=True)
    regime = RegimeView("MIXED", 3, 7, na=7, late=2, stale=1, as_of="2026-07-28")
    for ascii_mode, dot in ((False, "·"), (True, ".")):
        panel = SignalsPanel(signals, regime, ascii=ascii_mode)
        async with WidgetHost(panel).run_test(size=(80, 16)):
            lines = lines_of(panel)
            assert lines[0].startswith(f"REGIME  MIXED  3/7 eroding {dot} 7 n/a {dot} 2 late {dot} 1 stale")
            # The mark leads the explanation line; stale wins over late.
            assert lines[3].strip().startswith(f"stale {dot} ") and lines[5].strip().startswith(f"late {dot} ")
            assert not any(line.strip().startswith(("late", "stale")) for line in lines[6:])
            assert signals[0].date in lines[2]  # the date itself stays where it was


async def test_the_second_header_line_counts_each_side_of_the_thesis() -> None:
    regime = RegimeView("MIXED", 14, 21, groups=(("price", 11, 12), ("demand", 1, 7), ("supply", 2, 2)))
    panel = SignalsPanel(sample_signals(), regime)
    async with WidgetHost(panel).run_test(size=(80, 16)):
        lines = lines_of(panel)
        assert lines[1].strip() == "by side: price 11/12 · demand 1/7 · supply 2/2"
    without = SignalsPanel(sample_signals(), REGIME)
    async with WidgetHost(without).run_test(size=(80, 16)):
        assert lines_of(without)[1].strip() == ""
