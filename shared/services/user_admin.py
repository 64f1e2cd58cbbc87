"""Operators' account administration: roles and erasure (``career users ...``)."""

from __future__ import annotations

from shared.domain.errors import InvalidInput, NotFound
from shared.ports import Identity, IdentityUser, Role
from shared.services.data_rights import AuditReport, DataRights, ErasureReport


class UserAdmin:
    """Grants and revokes the operator role, and erases accounts."""

    def __init__(self, identity: Identity, data_rights: DataRights) -> None:
        self._identity = identity
        self._rights = data_rights

    def grant(self, uid: str, role: Role) -> IdentityUser:
        """Give ``uid`` the role; its next token carries it."""
        self._known(uid)
        self._identity.set_role(uid, role)
        return self._known(uid)

    def revoke(self, uid: str, role: Role) -> IdentityUser:
        """Take the role back and end every session, so no token still carries it."""
        user = self._known(uid)
        if role is Role.USER:
            raise InvalidInput("every account is a user; revoke a role above it")
        if user.role is role:
            self._identity.set_role(uid, Role.USER)
            self._identity.revoke(uid)
        return self._known(uid)

    def delete(self, uid: str) -> ErasureReport:
        """Erase the account now (the same idempotent pass as the deletion task)."""
        if self._identity.user(uid) is not None:
            self._identity.revoke(uid)
        return self._rights.erase(uid)

    def audit(self, uid: str) -> AuditReport:
        """Everything the whole store holds about ``uid``, and what no declared reference finds."""
        return self._rights.audit(uid)

    def _known(self, uid: str) -> IdentityUser:
        user = self._identity.user(uid)
        if user is None:
            raise NotFound(f"no account {uid}")
        return user
