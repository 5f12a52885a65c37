"""A small filesystem a test mounts itself (a tmpfs, which needs root) and fills with a ballast
file, for what a node does when its disk runs out. Used by the chaos harness and the system
test of the NOSPACE alarm."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class Unavailable(Exception):
    """The machine does not allow the fault (not root, no tmpfs)."""


def mount_tmpfs(mount: Path, size_mib: int) -> None:
    """Mounts a tmpfs of `size_mib` MiB at `mount` (created if missing)."""
    if os.geteuid() != 0:
        raise Unavailable("mounting a small tmpfs needs root, and the tests run as uid "
                          f"{os.geteuid()}")
    mount.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", str(mount)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise Unavailable(f"mount -t tmpfs failed: {out.stderr.strip() or out.returncode}")


def unmount(mount: Path) -> None:
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def free_bytes(mount: Path) -> int:
    st = os.statvfs(mount)
    return st.f_bavail * st.f_frsize


def fill_filesystem(mount: Path, leave_bytes: int) -> int:
    """Writes `mount`/ballast until only about `leave_bytes` remain free; returns the bytes
    written."""
    size = max(0, free_bytes(mount) - leave_bytes)
    written = 0
    with open(mount / "ballast", "wb") as f:
        chunk = b"\0" * (1 << 20)
        try:
            while written < size:
                n = min(len(chunk), size - written)
                f.write(chunk[:n])
                written += n
        except OSError:
            pass  # full already: that is the point
    return written


def free_filesystem(mount: Path) -> None:
    """Removes the ballast fill_filesystem wrote."""
    (mount / "ballast").unlink(missing_ok=True)
