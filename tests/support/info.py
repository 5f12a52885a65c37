"""INFO replies as dicts, one rule for every suite and the benchmark."""

from __future__ import annotations

from typing import Dict, Optional

from resp_client import ConnectionClosed, MalformedReply, RespConnection


def parse_info(text: str) -> Dict[str, str]:
    """The key:value lines of an INFO reply (section headers and blank lines skipped); values
    stay strings, keys and values stripped of surrounding blanks."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not key.startswith("#"):
            fields[key.strip()] = value.strip()
    return fields


def info(host: str, port: int, section: str, timeout: float = 2.0) -> Optional[Dict[str, str]]:
    """INFO <section> of the server at host:port on a fresh connection, or None when it cannot
    be had (no connection, an error reply, a timeout)."""
    try:
        with RespConnection(host, port, timeout=timeout) as conn:
            reply = conn.call("INFO", section)
    except (OSError, ConnectionClosed, MalformedReply):
        return None
    if reply.is_error or not isinstance(reply.value, bytes):
        return None
    return parse_info(reply.value.decode(errors="replace"))
