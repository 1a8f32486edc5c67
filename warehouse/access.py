"""What each role may see and do, decided once, below the pages.

public: aggregates and the public report only. leader / oversight: every aggregate and masked
order lists (a leader may be scoped to one county: then every order list, at every level, holds
that county's orders only). analyst: loads data and sees the quarantine. admin: settings, users,
and unmasked personal data.

Every warehouse function that returns rows of single orders or free text from the exports takes a
:class:`Viewer` and applies these rules itself (refuse, scope, mask), so a page, a download or a page
not yet written cannot forget them. :class:`Access` is the page side's view of the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.users import ROLES, User

_PUBLIC_PAGES = frozenset({"overview", "rankings", "trends", "backlog", "map", "wall", "report", "about"})
_ORDER_PAGES = _PUBLIC_PAGES | {"county", "hot_topics", "unit_profile"}
PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "public": _PUBLIC_PAGES,
    "leader": _ORDER_PAGES,
    "oversight": _ORDER_PAGES | {"record"},  # the published record's versions: oversight and admin (issue 14)
    "analyst": _ORDER_PAGES | {"data"},
    "admin": _ORDER_PAGES | {"data", "record", "admin"},
}
# Who may get what beyond aggregates (the README's "Who may see what" table).
ORDER_LIST_ROLES = frozenset({"leader", "oversight", "analyst", "admin"})  # order rows, hot words
QUARANTINE_ROLES = frozenset({"analyst", "admin"})  # quarantine, cell warnings, load messages
UNMASKED_ROLES = frozenset({"admin"})  # personal data and free text in clear
PROFILE_ROLES = frozenset({"analyst", "admin"})  # edit a file's mapping, save import profiles


class OrderAccessError(PermissionError):
    """The viewer's role may not have what it asked for (the message names role and what)."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as plain values: the query layer's argument and part of the pages' cache keys.

    ``county`` is a leader's county scope; it is ignored for every other role (only a leader account
    can be scoped, see ``warehouse.users.add_user``)."""

    role: str
    user: str = "anonymous"
    county: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"未知角色 {self.role!r}（可用：{', '.join(ROLES)}）")

    @classmethod
    def of(cls, user: User) -> Viewer:
        """An account's viewer; a role this version does not know (a hand-edited users file) gets the
        least: public."""
        role = user.role if user.role in ROLES else "public"
        return cls(role, user.name, user.county if role == "leader" else None)

    @property
    def county_scope(self) -> str | None:
        """A county-scoped leader sees that county's townships and orders only."""
        return self.county if self.role == "leader" and self.county else None

    @property
    def sees_order_lists(self) -> bool:
        return self.role in ORDER_LIST_ROLES

    @property
    def sees_quarantine(self) -> bool:
        return self.role in QUARANTINE_ROLES

    @property
    def sees_unmasked(self) -> bool:
        return self.role in UNMASKED_ROLES

    def require(self, roles: frozenset[str], what: str) -> None:
        """Raise :class:`OrderAccessError` unless the viewer's role is one of ``roles``."""
        if self.role not in roles:
            raise OrderAccessError(f"角色「{self.role}」无权查看{what} (role {self.role} may not see this)")

    def require_order_lists(self) -> None:
        self.require(ORDER_LIST_ROLES, "工单级数据")

    def require_quarantine(self) -> None:
        self.require(QUARANTINE_ROLES, "隔离区、单元格提示和导入记录的说明")

    def require_unmasked(self) -> None:
        self.require(UNMASKED_ROLES, "未打码的个人信息")

    @property
    def edits_profiles(self) -> bool:
        return self.role in PROFILE_ROLES

    def require_profiles(self) -> None:
        self.require(PROFILE_ROLES, "导入配置的编辑和保存")


@dataclass(frozen=True)
class Access:
    """The page side: which pages a user may open, and the :class:`Viewer` the data calls get."""

    user: User

    @property
    def viewer(self) -> Viewer:
        return Viewer.of(self.user)

    @property
    def role(self) -> str:
        return self.user.role

    def may_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE.get(self.role, frozenset())

    @property
    def sees_order_lists(self) -> bool:
        return self.viewer.sees_order_lists

    @property
    def sees_unmasked(self) -> bool:
        return self.viewer.sees_unmasked

    @property
    def may_load(self) -> bool:
        return self.role in ("analyst", "admin")

    @property
    def sees_quarantine(self) -> bool:
        return self.viewer.sees_quarantine

    @property
    def county_scope(self) -> str | None:
        """A county-scoped leader sees that county's townships and orders only."""
        return self.viewer.county_scope
