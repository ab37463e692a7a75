"""A light hash for one-time passwords of member accounts.

Bulk creation hashes one password per member; with the default PBKDF2 (1,000,000 iterations,
~0.5–1.5 s each on our machines) a grassroots organisation of 500 members would take minutes.
One-time passwords are random (12 characters from 55: ~69 bits), so a few thousand iterations
protect them as well as a million protect a chosen password; they are replaced by the
member's own password, hashed with the default hasher, at the forced first-login change (and
Django re-hashes with the default hasher on the first successful check anyway).
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hashers_by_algorithm


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_onetime_sha256"
    iterations = 5_000


def one_time_hasher() -> str:
    """The hasher for generated passwords: the light one when settings list it."""
    if OneTimePasswordHasher.algorithm in get_hashers_by_algorithm():
        return OneTimePasswordHasher.algorithm
    return "default"
