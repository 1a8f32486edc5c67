"""What each role may see and do, in one table the pages and tests share.

public: aggregates and the public report only. leader / oversight: every aggregate and masked
order lists (a leader may be scoped to one county). analyst: loads data and sees the
quarantine. admin: settings, users, and unmasked personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.users import User

PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "public": frozenset({"overview", "rankings", "trends", "report", "about"}),
    "leader": frozenset({"overview", "rankings", "trends", "hot_topics", "unit_profile", "report", "about"}),
    "oversight": frozenset({"overview", "rankings", "trends", "hot_topics", "unit_profile", "report", "about"}),
    "analyst": frozenset({"overview", "rankings", "trends", "hot_topics", "unit_profile", "data", "report", "about"}),
    "admin": frozenset(
        {"overview", "rankings", "trends", "hot_topics", "unit_profile", "data", "report", "about", "admin"}
    ),
}


@dataclass(frozen=True)
class Access:
    user: User

    @property
    def role(self) -> str:
        return self.user.role

    def may_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE.get(self.role, frozenset())

    @property
    def sees_order_lists(self) -> bool:
        return self.role in ("leader", "oversight", "analyst", "admin")

    @property
    def sees_unmasked(self) -> bool:
        return self.role == "admin"

    @property
    def may_load(self) -> bool:
        return self.role in ("analyst", "admin")

    @property
    def sees_quarantine(self) -> bool:
        return self.role in ("analyst", "admin")

    @property
    def county_scope(self) -> str | None:
        """A county-scoped leader sees that county's townships and orders only."""
        return self.user.county if self.role == "leader" else None
