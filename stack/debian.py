"""Debian packages the cluster profile needs, installed on demand (as root, or through passwordless sudo)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess


class MissingPackageError(RuntimeError):
    """A Debian package is missing and cannot be installed from here."""


def postgres_bin(program: str) -> str | None:
    """Debian keeps PostgreSQL's server programs off PATH, under /usr/lib/postgresql/<major>/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    return found[-1] if found else shutil.which(program)


def _installed(program: str) -> bool:
    return (
        postgres_bin(program) is not None
        if program in {"initdb", "pg_ctl", "postgres"}
        else bool(shutil.which(program))
    )


def ensure_packages(programs: dict[str, str]) -> None:
    """Install the Debian package of every program (name -> package) that is not on this machine."""
    missing = sorted({package for program, package in programs.items() if not _installed(program)})
    if not missing:
        return
    if os.geteuid() == 0:
        sudo: list[str] = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        sudo = ["sudo", "-n"]
    else:
        raise MissingPackageError(
            f"the cluster profile needs Debian's {', '.join(missing)}; run: sudo apt-get install -y {' '.join(missing)}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    still = sorted({package for program, package in programs.items() if not _installed(program)})
    if still:
        raise MissingPackageError(
            f"apt-get installed {', '.join(missing)} but {', '.join(still)} is still missing"
        )
