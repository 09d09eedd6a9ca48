"""The TCP sockets a group of processes listens on, read from Linux's /proc: which addresses
a server we start is reachable at (no psutil: /proc says it all).

A process's sockets are the ``socket:[inode]`` links of ``/proc/PID/fd``; ``/proc/net/tcp`` and
``tcp6`` give each inode's local address and state (``0A``: listening).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import NamedTuple

PROC = Path("/proc")
LISTEN = "0A"


class Listening(NamedTuple):
    ip: str
    port: int
    pid: int

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.ip).is_loopback


def group_pids(pgid: int) -> list[int]:
    """The processes of the process group ``pgid``."""
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # pid (comm) state ppid pgrp …: comm may hold spaces and parentheses
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in (PROC / str(pid) / "fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
    except OSError:
        pass
    return inodes


def _address(hex_ip: str) -> str:
    """/proc/net's address: IPv4 as one little-endian word, IPv6 as four."""
    raw = bytes.fromhex(hex_ip)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def listening(pids: list[int]) -> list[Listening]:
    """Every TCP socket in the listening state that one of ``pids`` holds."""
    owner = {inode: pid for pid in pids for inode in _socket_inodes(pid)}
    found = []
    for table in ("tcp", "tcp6"):
        for line in (PROC / "net" / table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in owner:
                ip, port = local.split(":")
                found.append(Listening(_address(ip), int(port, 16), owner[inode]))
    return found
