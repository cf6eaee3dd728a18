"""Provides triffin's composition root: CLI, config, the Textual app and its screens."""

from __future__ import annotations
