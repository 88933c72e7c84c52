"""Subnets, the VPC, and the ENI addresses of HSMs: the network CloudHSM needs from EC2.

**There is no EC2 here.** A subnet's Availability Zone, VPC and CIDR come
from this registry (:meth:`Network.add_subnet`). A subnet seen for the first
time in a request is registered on the fly: the first such subnet is in
``<region>a``, the next in ``<region>b``, and so on; all are in the one VPC
of the account and Region, with CIDR ``10.0.N.0/24``. An HSM's ENI takes a
random free address of its subnet (AWS reserves the first four and the last
of every subnet), or the ``IpAddress`` CreateHsm asks for.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Collection
from dataclasses import dataclass

from ..entropy import Entropy
from ..errors import ServiceError

__all__ = ["HEX", "Network", "Subnet"]

HEX = "0123456789abcdef"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ZONE_LETTER = re.compile(r"[a-z]")
_SUBNET = re.compile(r"subnet-[0-9a-fA-F]{8,17}")
_INVALID = "CloudHsmInvalidRequestException"


@dataclass(frozen=True)
class Subnet:
    """A VPC subnet as the fake's registry knows it (there is no EC2 here)."""

    subnet_id: str
    availability_zone: str
    cidr: str
    vpc_id: str
    ipv6_prefix: str

    @property
    def network(self) -> ipaddress.IPv4Network:
        """The IPv4 CIDR block as a network."""
        return ipaddress.IPv4Network(self.cidr)

    @functools.cached_property
    def usable(self) -> range:
        """Addresses (as integers) an ENI may take: AWS reserves the first four and the last."""
        address, _, prefix = self.cidr.partition("/")
        first = 0
        for octet in address.split("."):
            first = first << 8 | int(octet)
        return range(first + 4, first + (1 << (32 - int(prefix))) - 1)


class Network:
    """The subnets and the default VPC of one account and Region."""

    def __init__(self, region: str, entropy: Entropy) -> None:
        self.region = region
        self.entropy = entropy
        self.subnets: dict[str, Subnet] = {}
        self._vpc_id: str | None = None
        self._unseen_subnets = 0

    @property
    def vpc_id(self) -> str:
        """The one VPC of the account and Region (made on first use)."""
        if self._vpc_id is None:
            self._vpc_id = "vpc-" + self.entropy.token(HEX, 17)
        return self._vpc_id

    def add_subnet(
        self,
        subnet_id: str,
        availability_zone: str,
        *,
        cidr: str | None = None,
        vpc_id: str | None = None,
    ) -> Subnet:
        """Register a subnet (replacing any earlier record of it).

        ``cidr`` defaults to the next free ``10.0.N.0/24``; ``vpc_id`` to the
        one VPC of the account and Region. Raises ``ValueError`` for a
        malformed ID, a zone of another Region or a block smaller than /28.
        """
        if not _SUBNET.fullmatch(subnet_id):
            raise ValueError(f"{subnet_id!r} is not a subnet ID (subnet-<8-17 hex>)")
        # A zone is its Region's name and a letter, in every partition (us-iso-east-1a too).
        if availability_zone[:-1] != self.region or not _ZONE_LETTER.fullmatch(
                availability_zone[-1:]):
            raise ValueError(f"{availability_zone!r} is not an Availability Zone of {self.region}")
        if cidr is None:
            cidr = self._free_block()
        else:
            network = ipaddress.IPv4Network(cidr)
            if network.prefixlen > 28:
                raise ValueError(f"subnet CIDR {cidr} is smaller than /28")
            cidr = str(network)
        subnet = Subnet(
            subnet_id, availability_zone, cidr, vpc_id or self.vpc_id,
            f"2001:db8:0:{len(self.subnets):x}",
        )
        self.subnets[subnet_id] = subnet
        return subnet

    def subnet(self, subnet_id: str) -> Subnet:
        """A subnet by ID, registered in the next unused zone when seen for the first time."""
        subnet = self.subnets.get(subnet_id)
        if subnet is None:
            letter = _LETTERS[self._unseen_subnets % len(_LETTERS)]
            self._unseen_subnets += 1
            subnet = self.add_subnet(subnet_id, self.region + letter)
        return subnet

    def subnet_in(self, zone: str) -> Subnet:
        """The default VPC's subnet in a zone, registered on first use."""
        vpc_id = self.vpc_id
        for subnet in self.subnets.values():
            if subnet.availability_zone == zone and subnet.vpc_id == vpc_id:
                return subnet
        return self.add_subnet("subnet-" + self.entropy.token(HEX, 17), zone)

    def cluster_subnets(self, subnet_ids: list[str]) -> list[Subnet]:
        """CreateCluster's ``SubnetIds``: no repeats, one VPC, at most one subnet per zone."""
        if len(set(subnet_ids)) != len(subnet_ids):
            raise ServiceError(_INVALID, "SubnetIds must not repeat a subnet.")
        subnets = [self.subnet(s) for s in subnet_ids]
        vpcs = {s.vpc_id for s in subnets}
        if len(vpcs) > 1:
            raise ServiceError(
                _INVALID, f"All subnets must be in the same VPC; these are in {sorted(vpcs)}."
            )
        zones: dict[str, str] = {}
        for subnet in subnets:
            other = zones.setdefault(subnet.availability_zone, subnet.subnet_id)
            if other != subnet.subnet_id:
                raise ServiceError(
                    _INVALID, f"Subnets {other} and {subnet.subnet_id} are both in "
                              f"{subnet.availability_zone}; give at most one subnet per "
                              f"Availability Zone.",
                )
        return subnets

    def eni_ip(self, subnet: Subnet, requested: str | None, taken: Collection[str]) -> str:
        """An ENI address in ``subnet``: ``requested`` if usable and free, else a random one."""
        usable = subnet.usable
        if requested is not None:
            try:
                address = ipaddress.IPv4Address(requested)
            except ValueError:
                raise ServiceError(_INVALID, f"{requested} is not an IPv4 address.") from None
            if address not in subnet.network:
                raise ServiceError(
                    _INVALID, f"IP address {requested} is not in subnet {subnet.subnet_id} "
                              f"({subnet.cidr}).",
                )
            if int(address) not in usable:
                raise ServiceError(
                    _INVALID, f"IP address {requested} is reserved in subnet {subnet.subnet_id}."
                )
            if str(address) in taken:
                raise ServiceError(_INVALID, f"IP address {requested} is already in use.")
            return str(address)
        for _ in range(32):  # a random free address, as AWS picks
            text = _ip_text(usable[int.from_bytes(self.entropy.bytes(2), "big") % len(usable)])
            if text not in taken:
                return text
        for number in usable:
            text = _ip_text(number)
            if text not in taken:
                return text
        raise ServiceError(_INVALID, f"Subnet {subnet.subnet_id} has no free IP address.")

    @staticmethod
    def eni_ip_v6(subnet: Subnet, eni_ip: str) -> str:
        """The IPv6 address of a DUALSTACK cluster's ENI, derived from its IPv4 address."""
        return f"{subnet.ipv6_prefix}::{int(ipaddress.IPv4Address(eni_ip)) & 0xFFFF:x}"

    def _free_block(self) -> str:
        used = {s.cidr for s in self.subnets.values()}
        for n in range(256):
            cidr = f"10.0.{n}.0/24"
            if cidr not in used:
                return cidr
        raise ValueError("no free 10.0.N.0/24 block left; give a cidr")


def _ip_text(number: int) -> str:
    return f"{number >> 24}.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
