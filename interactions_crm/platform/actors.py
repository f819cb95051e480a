"""Who did it: the one place that turns a request's user into an actor."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor = AbstractBaseUser | AnonymousUser | None


def user_or_none(actor: Actor) -> AbstractBaseUser | None:
    """The user to store on a row (``None`` for the system or an anonymous user)."""
    if actor is None or not actor.is_authenticated:
        return None
    return actor  # type: ignore[return-value]


def actor_name(actor: Actor) -> str:
    """The name an audit event records: the username, or ``"system"``."""
    user = user_or_none(actor)
    return user.get_username() if user is not None else "system"
