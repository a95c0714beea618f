"""Who is writing: a designated contact of a customer, staff forwarding mail, or unknown.

Only designated contacts open tickets (vendors' support policies limit who may); staff
forwards are trusted and open the ticket for the original sender. `From:` is taken at face
value here: DKIM/SPF verification would plug in before `resolve_sender`, downgrading a sender
whose domain fails alignment to unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.config import AppConfig, CustomerOrg


class SenderKind(StrEnum):
    CONTACT = "contact"
    STAFF_FORWARD = "staff_forward"
    STAFF = "staff"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class SenderResolution:
    kind: SenderKind
    requester: str
    requester_name: str | None
    org: CustomerOrg | None
    brought_in_by: str | None = None

    @property
    def may_open_ticket(self) -> bool:
        return self.kind is not SenderKind.UNVERIFIED


def org_for_address(config: AppConfig, address: str) -> tuple[CustomerOrg | None, bool]:
    """The organisation an address belongs to, and whether it is a designated contact."""
    address = address.lower()
    domain = address.rpartition("@")[2]
    for org in config.customers:
        if address in org.contacts:
            return org, True
    for org in config.customers:
        if domain in org.domains:
            return org, False
    return None, False


def resolve_sender(
    config: AppConfig,
    *,
    sender: str,
    sender_name: str | None,
    forwarded_from: str | None,
    forwarded_name: str | None,
) -> SenderResolution:
    sender = sender.lower()
    if config.is_staff_address(sender):
        if forwarded_from:
            org, _ = org_for_address(config, forwarded_from)
            return SenderResolution(
                SenderKind.STAFF_FORWARD,
                forwarded_from.lower(),
                forwarded_name,
                org,
                brought_in_by=sender,
            )
        return SenderResolution(SenderKind.STAFF, sender, sender_name, None)
    org, designated = org_for_address(config, sender)
    if designated:
        return SenderResolution(SenderKind.CONTACT, sender, sender_name, org)
    return SenderResolution(SenderKind.UNVERIFIED, sender, sender_name, org)


def refusal_text(resolution: SenderResolution) -> str:
    """The polite answer to someone who may not open tickets."""
    org_line = (
        f"Tickets for {resolution.org.name} can only be opened by its designated support contacts. "
        if resolution.org
        else "Tickets can only be opened by the designated support contacts of our customers. "
    )
    return "\n".join(
        [
            "Hello,",
            "",
            "thank you for your message. "
            + org_line
            + "Please ask one of your designated contacts to write to us, or ask them to have "
            "you added as a contact. We have kept your message on file.",
            "",
            "Support team",
        ]
    )
