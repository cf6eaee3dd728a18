"""The shared alert files' read-change-write under a lock (datafeed/locked_json.py)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from datafeed.locked_json import locked_json


def test_a_new_file_is_private_empty_and_written_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "state" / "alerts-fired.json"
    with locked_json(path) as locked:
        assert locked.doc == {}
    assert path.read_text() == ""  # nothing written without write()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with locked_json(path) as locked:
        locked.write({"b": 1, "a": [2]})
    assert json.loads(path.read_text()) == {"a": [2], "b": 1}


def test_a_broken_or_foreign_file_reads_as_empty_and_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    for content in ("{not json", "[1, 2, 3]", '"text"'):
        path.write_text(content + " " * 40)  # longer than what replaces it: no tail may remain
        with locked_json(path) as locked:
            assert locked.doc == {}
            locked.write({"k": True})
        assert json.loads(path.read_text()) == {"k": True}


def test_the_lock_is_exclusive_while_the_block_runs(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "claims.json"
    with locked_json(path), open(path) as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            raise AssertionError("a second open of the file got the lock while it was held")
    with open(path) as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released once the block ended
