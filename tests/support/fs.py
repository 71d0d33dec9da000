"""Folders the tests need that root cannot simply chmod: read-only ones, small full disks."""
from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def readonly_dir(path: Path):
    """A folder nobody can create files in. chmod is enough for a normal user; root ignores
    modes, so as root the folder is a read-only tmpfs mount."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@contextmanager
def small_disk(path: Path, size: str = "20m"):
    """A folder on a tiny file system (as root a tmpfs of `size`); None when it cannot be
    made (the caller then limits the file size of the process instead, RLIMIT_FSIZE)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
