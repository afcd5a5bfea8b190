"""Agent accounts: the record and password hashing (argon2)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

AgentRole = Literal["agent", "supervisor"]
Presence = Literal["online", "away", "offline"]
ROLES: tuple[AgentRole, ...] = ("agent", "supervisor")


@dataclass(frozen=True)
class Agent:
    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    skills: tuple[str, ...]
    presence: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
