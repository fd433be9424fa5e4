"""Where a gradebook may use SQLite's write-ahead log: not on a network filesystem.

SQLite's WAL needs shared memory between the processes that open the database, which NFS, SMB/CIFS, Lustre,
GPFS, BeeGFS, CephFS and FUSE mounts do not give ("WAL does not work over a network filesystem",
sqlite.org/wal.html). A gradebook there uses the rollback journal (``DELETE``), which only needs the locks each
shard's single writer takes. ``JUDGE_SQLITE_JOURNAL`` (``wal`` or ``delete``) overrides the guess.
"""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "lustre", "gpfs", "beegfs", "ceph", "glusterfs",
                       "9p", "afs", "ocfs2", "gfs2", "virtiofs"}


def filesystem_of(path: Path, mounts: str | None = None) -> str:
    """The filesystem type of the mount holding ``path`` (longest mount point that is a prefix), or ""."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    target = os.path.realpath(path)
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def journal_mode(folder: Path, mounts: str | None = None) -> str:
    """``WAL`` on a local disk, ``DELETE`` (rollback journal) on a network filesystem."""
    forced = os.environ.get("JUDGE_SQLITE_JOURNAL", "").strip().lower()
    if forced in ("wal", "delete"):
        return forced.upper()
    kind = filesystem_of(folder, mounts)
    network = kind in NETWORK_FILESYSTEMS or kind.startswith("fuse")
    return "DELETE" if network else "WAL"
