"""The history format shared by the workload recorder (which writes it) and the linearizability
checker (which reads it).

One `Op` is one client operation from invocation to completion:

- `status` "ok": the server answered; `result` is what it answered (see below).
- `status` "fail": the operation definitely did not take effect (the node refused it before
  proposing it: -MOVED, -CLUSTERDOWN without a leader, -READONLY, a connection that could not be
  opened). The checker drops these.
- `status` "info": the outcome is unknown (a timeout, a connection lost after the request was
  sent, -TRYAGAIN after proposing). The operation may take effect at any point after `invoke`, or
  never; `complete` is when the client gave up, and the checker treats it as open-ended.

Results of "ok" operations, per `f`:
  set     "OK"
  get     the value as str, or None for a missing key
  del     int, the number of keys removed (0 or 1)
  incr    int, the new value; or an `Error` when the key does not hold an integer
  append  int, the new length of the value
  rpush   int, the new length of the list (the list-append workload: RPUSH key token)
  lrange  the whole list (LRANGE key 0 -1) as its elements joined by single spaces, or None for
          an empty or missing list (tokens never contain a space)

Times are `time.monotonic()` seconds of the process that recorded the history; all clients of one
history run in that process, so their times are comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, asdict
from pathlib import Path
from typing import Iterable, List, Optional, Union

OK = "ok"
FAIL = "fail"
INFO = "info"

FUNCTIONS = ("set", "get", "del", "incr", "append", "rpush", "lrange")


@dataclass(frozen=True)
class Error:
    """A deterministic error reply that is part of the command's semantics (INCR on a value that
    is not an integer), as opposed to an availability error."""
    message: str


Result = Union[None, str, int, Error]


@dataclass
class Op:
    process: int          # the client that ran it; one client runs one operation at a time
    f: str                # one of FUNCTIONS
    key: str
    arg: Optional[str]    # the value for set and append, else None
    status: str           # OK, FAIL or INFO
    result: Result        # meaningful for OK only
    invoke: float         # monotonic seconds when the request was sent
    complete: float       # monotonic seconds when the answer came (or the client gave up)
    node: Optional[str] = None  # the node that answered, for reports

    def to_json(self) -> dict:
        d = asdict(self)
        if isinstance(self.result, Error):
            d["result"] = {"error": self.result.message}
        return d

    @staticmethod
    def from_json(d: dict) -> "Op":
        d = dict(d)
        r = d.get("result")
        if isinstance(r, dict) and "error" in r:
            d["result"] = Error(r["error"])
        return Op(**d)


def save(ops: Iterable[Op], path: Path) -> None:
    """One JSON object per line."""
    with open(path, "w", encoding="utf-8") as f:
        for op in ops:
            f.write(json.dumps(op.to_json()) + "\n")


def load(path: Path) -> List[Op]:
    with open(path, encoding="utf-8") as f:
        return [Op.from_json(json.loads(line)) for line in f if line.strip()]
