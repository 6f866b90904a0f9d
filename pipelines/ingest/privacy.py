"""Pseudonyms for personal data (phone numbers, member numbers, worker ids).

A personal value becomes ``HMAC-SHA256(key, normalised value)``, hex, cut to 32
characters (128 bits): the same person gets the same pseudonym in every file, so that
distinct workers can be counted, but the clear value cannot be recovered without the
key. The key is ``settings.pseudonym_key`` when set, else one generated once into
``settings.secret_path`` (mode 600), never committed and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets

import polars as pl

from pipelines.ingest.values import FULL_WIDTH
from pipelines.settings import Settings, get_settings

PSEUDONYM_LENGTH = 32
# spelled out: Python's and polars' regex engines disagree on what \s covers
_SEPARATORS = "[ \t\n\r\f\v\u00a0\u3000\ufeff\\-()（）]+"
_MAINLAND_MOBILE = r"^(?:\+?86|0086)(1\d{10})$"
_FOLD = str.maketrans(FULL_WIDTH)


def load_key(settings: Settings | None = None) -> bytes:
    """The pseudonym key: the setting, else the secret file (created on first use)."""
    settings = settings or get_settings()
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode()
    path = settings.secret_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes racing to create the key must not end with two keys
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def normalise(value: str) -> str:
    """The form a personal value is hashed in: full-width folded, spaces, dashes and
    brackets removed, lower-cased, a mainland mobile's +86 / 0086 prefix dropped."""
    compact = re.sub(_SEPARATORS, "", value.translate(_FOLD)).lower()
    return re.sub(_MAINLAND_MOBILE, r"\1", compact)


def normalise_expr(text: pl.Expr) -> pl.Expr:
    """:func:`normalise` for a whole column (the two must agree; a test holds them)."""
    compact = text.str.replace_many(FULL_WIDTH).str.replace_all(_SEPARATORS, "").str.to_lowercase()
    return compact.str.replace(_MAINLAND_MOBILE, "$1")


def pseudonym(value: str, key: bytes) -> str:
    """The pseudonym of one clear value."""
    digest = hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


class Pseudonymiser:
    """Pseudonyms for whole columns. Each distinct value is hashed once per instance:
    a usage file names the same workers again and again."""

    def __init__(self, key: bytes) -> None:
        # HMAC (RFC 2104) from two pre-keyed SHA-256 states: the same digest as
        # hmac.new(key, value, sha256), without its per-call Python overhead
        block = hashlib.sha256().block_size
        key = hashlib.sha256(key).digest() if len(key) > block else key
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        #: clear value → pseudonym (None where nothing is left once normalised)
        self._known: dict[str, str | None] = {}

    def _hash(self, normalised: str) -> str:
        inner = self._inner.copy()
        inner.update(normalised.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:PSEUDONYM_LENGTH]

    def __call__(self, series: pl.Series) -> pl.Series:
        """The column's pseudonyms; blank stays null."""
        distinct = series.drop_nulls().unique().to_list()
        known = self._known
        new = [v for v in distinct if v not in known]
        if new:
            # normalise only the distinct new cells: a file repeats the same people
            normalised = pl.select(normalise_expr(pl.Series(new, dtype=pl.String))).to_series()
            for clear, form in zip(new, normalised.to_list(), strict=True):
                # polars and Python agree on ASCII; for other text (case rules differ
                # between their Unicode versions) the one-value function decides
                form = form if clear.isascii() else normalise(clear)
                known[clear] = self._hash(form) if form else None
        # one join against this column's own distinct values, not everything seen so far
        mapping = pl.DataFrame(
            {"clear": distinct, "pseudonym": [known[v] for v in distinct]},
            schema={"clear": pl.String, "pseudonym": pl.String},
        )
        joined = series.to_frame("clear").join(
            mapping, on="clear", how="left", maintain_order="left"
        )
        return joined.get_column("pseudonym").alias(series.name)


def pseudonymise(series: pl.Series, key: bytes) -> pl.Series:
    """Pseudonyms of a column of clear values (blank stays null)."""
    return Pseudonymiser(key)(series)
