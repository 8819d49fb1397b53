"""Encryption at rest for documents and evidence packs.

Each file has its own random 256-bit key; the file is AES-256-GCM in chunks under that key
(the backup archive's chunk format, ops.crypto.seal_chunks: a truncated or altered file fails
instead of reading short). The file's key is stored on its row wrapped (AES-GCM) by the
documents key from the environment (`HAVEN_DOCUMENTS_KEY`, 32 bytes in base64), with the
row's id as associated data, so a wrapped key copied to another row does not open.

A wrong documents key fails loudly (DocumentKeyError), never as garbage bytes: GCM
authenticates the unwrap. `key_id` (the first bytes of the key's SHA-256) on each row says
which key a file was stored under, for the error message and for rotation: with the previous
keys in HAVEN_DOCUMENTS_OLD_KEYS, files stored under them still open, and
`manage.py documents_rekey` re-wraps their file keys under the current key (the files
themselves do not change), after which the old keys can be dropped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ops.crypto import open_chunks, seal_chunks

MAGIC = b"HAVENDOC1\n"
CHUNK = 64 * 1024  # a download streams in pieces of this size


class DocumentKeyError(Exception):
    """The documents key does not open this file's key: not the key it was stored with."""


class DocumentCorrupted(Exception):
    """The stored file does not authenticate: altered or truncated on disk."""


def _parse_key(raw: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (base64-encoded).")
    return key


def master_key() -> bytes:
    raw = settings.DOCUMENTS_KEY
    if not raw:
        raise ImproperlyConfigured(
            "HAVEN_DOCUMENTS_KEY is not set: documents are encrypted under it. Generate one with "
            'python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )
    return _parse_key(raw, "HAVEN_DOCUMENTS_KEY")


def key_id(key: bytes | None = None) -> str:
    return hashlib.sha256(key or master_key()).hexdigest()[:16]


def keyring() -> dict[str, bytes]:
    """Every documents key Haven holds, by key id: the current one and the previous ones
    (settings.DOCUMENTS_OLD_KEYS, from HAVEN_DOCUMENTS_OLD_KEYS) during a rotation."""
    ring = {}
    for raw in getattr(settings, "DOCUMENTS_OLD_KEYS", ()):
        key = _parse_key(raw, "A key in HAVEN_DOCUMENTS_OLD_KEYS")
        ring[key_id(key)] = key
    current = master_key()
    ring[key_id(current)] = current
    return ring


@dataclass(frozen=True)
class Sealed:
    wrapped_key: bytes
    key_id: str


def _aad(row_id) -> bytes:
    return b"haven-document:" + str(row_id).encode()


def encrypt_file(source: BinaryIO, target: BinaryIO, *, row_id) -> Sealed:
    """Encrypt `source` into `target` under a new file key; returns the wrapped key."""
    master = master_key()
    file_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(master).encrypt(nonce, file_key, _aad(row_id))
    target.write(MAGIC)
    seal_chunks(source, target, AESGCM(file_key), size=CHUNK)
    return Sealed(wrapped_key=wrapped, key_id=key_id(master))


def _file_key(*, wrapped_key: bytes, row_id, stored_key_id: str) -> bytes:
    master = master_key()
    # The key the row says it was stored under, when Haven still holds it (a rotation in
    # progress); otherwise the current one, which then fails with the sentence below.
    key = keyring().get(stored_key_id, master)
    try:
        return AESGCM(key).decrypt(bytes(wrapped_key[:12]), bytes(wrapped_key[12:]), _aad(row_id))
    except InvalidTag as exc:
        raise DocumentKeyError(
            f"Document {row_id} cannot be decrypted: it was stored under documents key "
            f"{stored_key_id}, and HAVEN_DOCUMENTS_KEY is {key_id(master)}. Set the key it was "
            "stored with (or, during a rotation, add it to HAVEN_DOCUMENTS_OLD_KEYS)."
        ) from exc


def rewrap(wrapped_key: bytes, *, row_id, stored_key_id: str) -> Sealed:
    """The same file key, wrapped under the current documents key (a rotation: the file on
    disk does not change). DocumentKeyError when Haven does not hold the key it was under."""
    file_key = _file_key(wrapped_key=wrapped_key, row_id=row_id, stored_key_id=stored_key_id)
    master = master_key()
    nonce = os.urandom(12)
    return Sealed(
        wrapped_key=nonce + AESGCM(master).encrypt(nonce, file_key, _aad(row_id)),
        key_id=key_id(master),
    )


def decrypt_chunks(
    path: Path, *, wrapped_key: bytes, row_id, stored_key_id: str
) -> Iterator[bytes]:
    """The plaintext of the file at `path`, chunk by chunk. The key is unwrapped and the
    first chunk authenticated before the first yield (so a view learns of a wrong key before
    it starts a response); a later chunk that fails raises DocumentCorrupted."""
    aead = AESGCM(_file_key(wrapped_key=wrapped_key, row_id=row_id, stored_key_id=stored_key_id))
    source = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    try:
        if source.read(len(MAGIC)) != MAGIC:
            raise DocumentCorrupted(f"Document {row_id}: the stored file is not a Haven document.")
        chunks = open_chunks(
            source,
            aead,
            altered=f"Document {row_id}: the stored file was altered.",
            truncated=f"Document {row_id}: the stored file is truncated.",
            error=DocumentCorrupted,
        )
        first = next(chunks)
    except BaseException:
        source.close()
        raise

    def stream():
        with source:
            yield first
            yield from chunks

    return stream()
