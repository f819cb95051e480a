"""Who did it: the one place that turns a request's user into an actor.

Every service takes ``actor: Actor``: a request's user (possibly anonymous),
a user looked up by a command or job, or ``None`` for the system. Services
store :func:`user_or_none` on rows and audit :func:`actor_name`.
"""

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

if TYPE_CHECKING:
    # The configured user model (AUTH_USER_MODEL), as the stubs resolve it.
    from django.contrib.auth.models import User

Actor = AbstractBaseUser | AnonymousUser | None


def user_or_none(actor: Actor) -> "User | None":
    """The user to store on a row (``None`` for the system or an anonymous user)."""
    if actor is None or not actor.is_authenticated:
        return None
    # Authenticated, so an instance of AUTH_USER_MODEL.
    return cast("User", actor)


def actor_name(actor: Actor) -> str:
    """The name an audit event records: the username, or ``"system"``."""
    user = user_or_none(actor)
    return user.get_username() if user is not None else "system"
