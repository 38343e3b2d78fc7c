"""What the compliance co-signer enforces, and how it says no."""

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from fractions import Fraction

from cryptography import x509

from antshares.core import UInt160, UInt256

__all__ = ["DEFAULT_ANNUAL_CAP", "Policy", "Refusal", "SharePolicy"]

# The whitepaper's employee-stock example (§1.3.3): at most 25 % of one's holding a year.
DEFAULT_ANNUAL_CAP = Fraction(1, 4)


class Policy(StrEnum):
    """The stable names of the checks; a refusal carries the one that failed."""

    TRANSFER = "transfer"  # the transaction is not a reviewable transfer of this asset
    CERTIFICATE = "certificate"  # a receiver lacks a Good certificate from an accepted CA
    HOLDER_LIST = "holder_list"  # a receiver is not on the configured holder list
    ANNUAL_CAP = "annual_cap"  # a seller would exceed the yearly share of holdings


class Refusal(Exception):
    """The co-signer will not sign: `policy` names the check, `reason` says why."""

    def __init__(self, policy: Policy, reason: str, account: UInt160 | None = None) -> None:
        super().__init__(f"{policy.value}: {reason}")
        self.policy = policy
        self.reason = reason
        self.account = account  # the seller or receiver concerned, when there is one


@dataclass(frozen=True, slots=True)
class SharePolicy:
    """The company's rules for one Share asset.

    `roots`: the CAs whose certificates a receiver may hold. `holders`: when set, the only
    accounts (script hashes) that may receive the shares. `annual_cap`: the fraction of a
    seller's holding they may transfer within `window` (None: no cap); the holding it applies to
    is what the seller holds now plus what they already transferred within the window.
    """

    asset_id: UInt256
    roots: tuple[x509.Certificate, ...]
    holders: frozenset[UInt160] | None = None
    annual_cap: Fraction | None = DEFAULT_ANNUAL_CAP
    window: timedelta = field(default=timedelta(days=365))

    def __post_init__(self) -> None:
        if not self.roots:
            raise ValueError("a share policy needs at least one accepted CA root")
        if self.annual_cap is not None and not 0 <= self.annual_cap <= 1:
            raise ValueError(f"the annual cap is a fraction in [0, 1], not {self.annual_cap}")
        if self.window <= timedelta(0):
            raise ValueError("the cap's window must be positive")
