"""The Exchange server's store in one JSON file: directory, mailboxes, queues, registry.

What ``ccsim connector run --exchange`` and a saved world keep of the server
between runs (``sim.exchange``). The format is this project's own (modelled).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.exchange import CustomRecipient, ExchangeError, ExchangeServer, Mailbox
from sim.fsutil import atomic_write_text
from sim.message import DateStyle, Message

__all__ = ["load_exchange", "save_exchange"]


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored")


def _message(data: dict[str, Any]) -> Message:
    """A message read back from the JSON store."""
    return Message(
        **{
            **data,
            "date": datetime.fromisoformat(data["date"]),
            "to": tuple(data["to"]),
            "cc": tuple(data["cc"]),
            "items": tuple(tuple(item) for item in data["items"]),
            "extra": tuple(tuple(pair) for pair in data.get("extra", ())),
        }
    )


def save_exchange(server: ExchangeServer, path: Path) -> None:
    """Write the directory, mailboxes, queues and registry to one JSON file."""
    data = {
        "registry": server.registry,
        "date_style": server.date_style.name,
        "system_path": server.system_path,
        "containers": sorted(server.containers),
        "mailboxes": [asdict(b) for b in server.mailboxes.values()],
        "custom_recipients": [asdict(c) for c in server.custom_recipients.values()],
        "mts_in": [asdict(m) for m in server.mts_in],
        "mts_out": [asdict(m) for m in server.mts_out],
    }
    text = json.dumps(data, indent=1, sort_keys=True, default=_json_default)
    atomic_write_text(path, text, encoding="utf-8")


def load_exchange(server: ExchangeServer, path: Path) -> None:
    """Replace the server's in-memory store with a file written by :func:`save_exchange`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        server.registry = dict(data["registry"])
        server.date_style = DateStyle[data["date_style"]]
        server.system_path = list(data["system_path"])
        server.containers = set(data["containers"])
        boxes = [{**b, "items": [_message(m) for m in b["items"]]} for b in data["mailboxes"]]
        server.mailboxes = {b["alias"].casefold(): Mailbox(**b) for b in boxes}
        crs = [CustomRecipient(**c) for c in data["custom_recipients"]]
        server.custom_recipients = {c.alias.casefold(): c for c in crs}
        server.mts_in = [_message(m) for m in data["mts_in"]]
        server.mts_out = [_message(m) for m in data["mts_out"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ExchangeError(f"cannot load the Exchange store from {path}: {exc}") from None
