"""Machines for a test: one Linux network namespace per host, joined by a bridge, each with its own address
(and its own port space, so every host uses the standard ports as in docs/deploy.md). Needs root."""

from __future__ import annotations

import ipaddress
import random
import secrets
import subprocess
from dataclasses import dataclass, field


def _ip(*args: str, namespace: str | None = None) -> None:
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    done = subprocess.run([*prefix, "ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {done.stderr.strip()}")


def _free_subnet() -> ipaddress.IPv4Network:
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True, check=True).stdout
    while True:
        subnet = ipaddress.IPv4Network(f"10.{random.randint(200, 250)}.{random.randint(0, 250)}.0/24")
        if str(subnet) not in routes:
            return subnet


@dataclass
class Network:
    """Hosts by name -> address; this (the test's) namespace is on the bridge too, as the first address."""

    tag: str = field(default_factory=lambda: secrets.token_hex(2))
    subnet: ipaddress.IPv4Network = field(default_factory=_free_subnet)
    hosts: dict[str, str] = field(default_factory=dict)
    namespaces: dict[str, str] = field(default_factory=dict)

    @property
    def bridge(self) -> str:
        return f"asbr{self.tag}"

    @property
    def own_address(self) -> str:
        return str(self.subnet.network_address + 1)

    def create(self, host_numbers: dict[str, int]) -> None:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.own_address}/{self.subnet.prefixlen}", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for index, (name, number) in enumerate(host_numbers.items()):
            namespace, outside = f"as{self.tag}-{name}", f"asv{self.tag}{index}"
            address = str(self.subnet.network_address + number)
            _ip("netns", "add", namespace)
            self.namespaces[name] = namespace
            _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            _ip("link", "set", outside, "master", self.bridge, "up")
            _ip("addr", "add", f"{address}/{self.subnet.prefixlen}", "dev", "eth0", namespace=namespace)
            _ip("link", "set", "eth0", "up", namespace=namespace)
            _ip("link", "set", "lo", "up", namespace=namespace)
            self.hosts[name] = address

    def on(self, host: str, command: list[str]) -> list[str]:
        """`command` run on `host` (inside its namespace)."""
        return ["ip", "netns", "exec", self.namespaces[host], *command]

    def remove(self) -> None:
        for namespace in self.namespaces.values():  # takes its end of the veth pair, and the pair, with it
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)
