#!/usr/bin/python3
"""Checks the direction of every arrow between Seshat's rooms (DESIGN.md, "Layers").

Each folder under src/ may include its own headers and those of the rooms listed for it below,
and nothing else of ours; some rooms may not include certain third-party headers either (the
Raft core and storage know nothing of Asio). The CMake link lines say the same thing for
symbols; this catches a header-only include that the linker would never notice.

Usage: check_layers.py REPO_ROOT     (exit 1 and one line per violation when a rule is broken)
       check_layers.py --self-test   (proves the checker finds a planted violation)
"""

import os
import re
import sys
import tempfile

# room -> the rooms of ours it may include (besides itself)
ALLOWED = {
    "protocol": set(),
    "raft": set(),
    # Metrics is a leaf (histograms, text): any room may record into it.
    "storage": {"raft", "metrics"},
    "kv": {"protocol", "storage", "raft", "metrics"},
    "transport": {"raft"},
    "replication": {"protocol", "raft", "storage", "kv", "transport", "metrics"},
    # The front end: no storage, no transport, no Raft (DESIGN.md); the data only through
    # replication's interface.
    "server": {"protocol", "kv", "replication", "metrics", "acl"},
    # The cluster room reads the group status replication publishes and implements the front
    # end's seam (server/cluster_mode.h).
    "cluster": {"protocol", "kv", "replication", "server", "metrics"},
    "admin": {"protocol", "raft", "storage", "kv", "transport", "replication", "server", "cluster",
              "metrics", "acl"},
    # Metrics turns text into text and serves it: it knows none of our rooms.
    "metrics": set(),
    # ACL users and their permission check, over kv's command table.
    "acl": {"kv"},
    "node": {"protocol", "raft", "storage", "kv", "transport", "replication", "server", "cluster",
             "admin", "metrics", "acl"},
}
# room -> third-party include prefixes it must not use
FORBIDDEN_THIRD_PARTY = {
    "protocol": ("asio", "grpc", "rocksdb"),
    "raft": ("asio", "grpc", "rocksdb"),
    "storage": ("asio", "grpc"),
    "kv": ("asio", "grpc"),
    "server": ("rocksdb", "grpc", "toml++", "CLI"),
    "transport": ("asio", "rocksdb"),
    "replication": ("asio",),
    "metrics": ("asio", "grpc", "rocksdb"),
    "acl": ("asio", "grpc", "rocksdb"),
}
# room -> {room below: the only headers of it that may be included}. The front end and the rooms
# that plug into it see replication through its interface, never the driver.
REPLICATION_INTERFACE = {"replication/replicator.h", "replication/cluster_view.h",
                         "replication/errors.h", "replication/write_listener.h"}
ONLY_HEADERS = {
    "server": {"replication": REPLICATION_INTERFACE},
    "cluster": {"replication": REPLICATION_INTERFACE},
    "admin": {"replication": REPLICATION_INTERFACE},
}
# room -> headers of other rooms it must not include, with what to use instead. Replication
# changes and reads the keyspace only through the state machine.
FORBIDDEN_HEADERS = {
    "replication": {"kv/apply.h": "kv/state_machine.h",
                    "storage/rocks_keyspace.h": "kv/state_machine.h"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def violations(src_root):
    found, checked = [], 0
    for room in sorted(os.listdir(src_root)):
        folder = os.path.join(src_root, room)
        if not os.path.isdir(folder):
            continue
        if room not in ALLOWED:
            found.append(f"src/{room}/: a folder with no rule in tests/layering/check_layers.py")
            continue
        for dirpath, _, files in os.walk(folder):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        checked += 1
                        target = m.group(1)
                        top = target.split("/", 1)[0]
                        where = f"{os.path.relpath(path, os.path.dirname(src_root))}:{lineno}"
                        if "/" in target and top in ALLOWED and top != room \
                                and top not in ALLOWED[room]:
                            found.append(f"{where}: {room} may not include {target}")
                        only = ONLY_HEADERS.get(room, {}).get(top)
                        if only is not None and target not in only:
                            found.append(f"{where}: {room} may use only the interface of {top}, "
                                         f"not {target}")
                        instead = FORBIDDEN_HEADERS.get(room, {}).get(target)
                        if instead is not None:
                            found.append(f"{where}: {room} may not include {target} "
                                         f"(use {instead})")
                        for banned in FORBIDDEN_THIRD_PARTY.get(room, ()):
                            if top == banned or target.startswith(banned + ".") \
                                    or target.startswith(banned + "/"):
                                found.append(f"{where}: {room} may not include <{target}>")
    return found, checked


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        for room in ("kv", "server", "raft", "replication"):
            os.makedirs(os.path.join(src, room))
        with open(os.path.join(src, "kv", "a.cc"), "w") as f:
            f.write('#include "kv/a.h"\n#include "server/connection.h"\n')
        with open(os.path.join(src, "raft", "b.h"), "w") as f:
            f.write("#include <asio.hpp>\n")
        with open(os.path.join(src, "server", "c.cc"), "w") as f:
            f.write('#include "kv/a.h"\n#include "replication/replicator.h"\n'
                    '#include "replication/raft_driver.h"\n')
        with open(os.path.join(src, "replication", "d.cc"), "w") as f:
            f.write('#include "kv/state_machine.h"\n#include "storage/rocks_keyspace.h"\n')
        found, checked = violations(src)
        expected = ["src/kv/a.cc:2: kv may not include server/connection.h",
                    "src/raft/b.h:1: raft may not include <asio.hpp>",
                    "src/replication/d.cc:2: replication may not include "
                    "storage/rocks_keyspace.h (use kv/state_machine.h)",
                    "src/server/c.cc:3: server may use only the interface of replication, "
                    "not replication/raft_driver.h"]
        if found != expected or checked != 8:
            print(f"self-test failed: found {found}, checked {checked}", file=sys.stderr)
            return 1
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if self_test() != 0:
        return 1
    found, checked = violations(os.path.join(argv[1], "src"))
    if checked == 0:
        print("no #include lines found under src/: wrong repository root?", file=sys.stderr)
        return 1
    for line in found:
        print(line)
    print(f"{checked} includes checked, {len(found)} against the layering", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
