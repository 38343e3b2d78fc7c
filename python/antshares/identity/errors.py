"""The one error type of the identity package: bad input, said in words."""


class IdentityError(ValueError):
    """Unusable input: a corrupt PEM, a key of the wrong kind or curve, an unreadable file."""
