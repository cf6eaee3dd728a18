"""Issue 20: a config with formulas and alert rules parses without numpy or pandas.

The config is read before the first frame; evaluation (pandas) waits for the Monitor's
thread. The syntax modules and the signal ids they reserve must stay light.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from datafeed.signal_ids import BUILTIN_SIGNAL_IDS, signal_ids
from datafeed.signals.builtin import BUILTIN
from datafeed.signals.registry import SIGNALS
from tests.conftest import ROOT


def test_builtin_signal_ids_match_the_registry() -> None:
    """The light list is the built-in tuple, in order; loaded, the registry answers."""
    assert tuple(spec.id for spec in BUILTIN) == BUILTIN_SIGNAL_IDS
    assert signal_ids() == tuple(SIGNALS.ids())


def test_config_with_formulas_and_alerts_imports_no_pandas(tmp_path: Path) -> None:
    """Parsing [[formulas]] and [[alerts]] (a signal read, a formula read) loads neither
    numpy nor pandas, and a formula named like a signal is still refused."""
    good = tmp_path / "good.toml"
    good.write_text(
        '[[formulas]]\nid = "curve"\nexpr = "mean(ust10y - ust2y, 5) * 100"\nunit = "bp"\n'
        '[[alerts]]\nrule = "curve < 0"\n[[alerts]]\nrule = "stock_bond_corr_1y crosses 0"\n'
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('[[formulas]]\nid = "ig_cushion"\nexpr = "ust10y"\nunit = ""\n')
    code = (
        "import sys\n"
        "from tui.config import ConfigError, load_config\n"
        f"c = load_config({str(good)!r})\n"
        "assert [f.id for f in c.formulas] == ['curve'] and len(c.alerts) == 2, c\n"
        "try:\n"
        f"    load_config({str(bad)!r})\n"
        "except ConfigError as exc:\n"
        "    assert 'ig_cushion' in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('a formula named like a signal was accepted')\n"
        "print(' '.join(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_presenters_do_not_bring_httpx_onto_the_ui_thread() -> None:
    """``tui.presenters`` (imported on the UI thread at the first data) needs no HTTP client:
    lateness comes from the market calendar, not from ``datafeed.snapshot``."""
    code = "import sys, tui.presenters\nprint('httpx' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
