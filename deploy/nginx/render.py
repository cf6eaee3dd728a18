#!/usr/bin/env python3
"""Fill the ``${TRIFFIN_*}`` placeholders of the desk cache's nginx files.

Why a script when ``envsubst`` exists: it takes its defaults from ``triffin-cache.env`` next
to it (one place for the real origins), refuses values that would change the structure of
the configuration (a ``;``, a brace, a quote, a space or a control character), and fails
when a placeholder is left unfilled, instead of writing a config nginx rejects later or,
worse, one that means something else. Standard library only: it runs wherever nginx does.

    python3 deploy/nginx/render.py > /etc/nginx/conf.d/triffin-cache.conf
    python3 deploy/nginx/render.py --set TRIFFIN_LISTEN=127.0.0.1:8080 --set TRIFFIN_FRED_SHARED_KEY=...
    python3 deploy/nginx/render.py --out-dir ~/triffin-cache --set TRIFFIN_CACHE_PATH=cache ...
        (writes triffin-cache.conf and the standalone nginx.conf there, for nginx -p)
    python3 deploy/nginx/render.py --from-env     (values from the environment win)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "triffin-cache.conf"
STANDALONE = HERE / "nginx.conf"
DEFAULTS = HERE / "triffin-cache.env"

_PLACEHOLDER = re.compile(r"\$\{(TRIFFIN_[A-Z0-9_]+)\}")
_UNSAFE = re.compile(r"[\s;{}\"'\\$#]")


class RenderError(Exception):
    """A value or template problem, as one line."""


def read_env_file(path: Path = DEFAULTS) -> dict[str, str]:
    """``NAME=value`` lines of an env file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"TRIFFIN_[A-Z0-9_]+", name):
            raise RenderError(f"{path}:{lineno}: not a TRIFFIN_NAME=value line")
        values[name] = value
    return values


def check_value(name: str, value: str) -> None:
    """Refuse a value that could escape its place in the nginx file."""
    if _UNSAFE.search(value):
        raise RenderError(f"{name}: value {value[:40]!r} has a space, quote, ';', '{{', '}}', '$' or '#'")
    if not value and name != "TRIFFIN_FRED_SHARED_KEY":
        raise RenderError(f"{name}: empty value")


def render(text: str, values: dict[str, str]) -> str:
    """Replace every ``${TRIFFIN_*}`` in ``text``; unknown names are an error."""
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(values))
    if missing:
        raise RenderError(f"no value for {', '.join(missing)}")
    for name, value in values.items():
        check_value(name, value)
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override one value")
    parser.add_argument("--from-env", action="store_true", help="TRIFFIN_* environment variables override")
    parser.add_argument("--out-dir", type=Path, help="write triffin-cache.conf and nginx.conf into this folder")
    args = parser.parse_args(argv)
    try:
        values = read_env_file()
        if args.from_env:
            values.update({k: v for k, v in os.environ.items() if k in values})
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep or name not in values:
                raise RenderError(f"--set {item!r}: unknown name (known: {', '.join(values)})")
            values[name] = value
        conf = render(TEMPLATE.read_text(encoding="utf-8"), values)
        if args.out_dir is None:
            sys.stdout.write(conf)
            return 0
        args.out_dir.mkdir(parents=True, exist_ok=True)
        (args.out_dir / "triffin-cache.conf").write_text(conf, encoding="utf-8")
        (args.out_dir / "nginx.conf").write_text(render(STANDALONE.read_text(encoding="utf-8"), values))
    except (RenderError, OSError) as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
