"""Streaming authenticated encryption for backup archives.

Format: MAGIC, a 16-byte salt, then chunks. Each chunk is a 4-byte big-endian length and
AES-256-GCM ciphertext; the nonce is the chunk's index and the associated data says whether
it is the last chunk, so a truncated, reordered or spliced archive fails to decrypt instead of
restoring half a database. The key comes from a passphrase through scrypt.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"HAVENBAK1\n"
CHUNK = 1024 * 1024


class BackupDecryptionError(Exception):
    pass


def derive_key(passphrase: str, salt: bytes) -> bytes:
    if len(passphrase) < 12:
        raise ValueError("The backup passphrase must be at least 12 characters long.")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def _nonce(index: int) -> bytes:
    return struct.pack(">4xQ", index)


def encrypt_stream(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    salt = os.urandom(16)
    target.write(MAGIC + salt)
    seal_chunks(source, target, AESGCM(derive_key(passphrase, salt)))


def seal_chunks(source: BinaryIO, target: BinaryIO, aead: AESGCM, *, size: int = CHUNK) -> None:
    """Write `source` to `target` as length-prefixed AES-GCM chunks (also used for documents,
    under a per-file key: documents/crypto.py)."""
    index = 0
    chunk = source.read(size)
    while True:
        following = source.read(size)
        last = not following
        sealed = aead.encrypt(_nonce(index), chunk, b"last" if last else b"more")
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, index = following, index + 1


def decrypt_stream(source: BinaryIO, passphrase: str) -> Iterator[bytes]:
    header = source.read(len(MAGIC) + 16)
    if not header.startswith(MAGIC):
        raise BackupDecryptionError("This file is not a Haven backup archive.")
    aead = AESGCM(derive_key(passphrase, header[len(MAGIC) :]))
    yield from open_chunks(
        source,
        aead,
        altered="The archive cannot be decrypted: wrong passphrase, or the file was altered.",
        truncated="The archive is truncated: its last part is missing.",
    )


def open_chunks(
    source: BinaryIO, aead: AESGCM, *, altered: str, truncated: str, error=BackupDecryptionError
) -> Iterator[bytes]:
    """The plaintext of `seal_chunks`' output, chunk by chunk; raises `error` on a chunk that
    does not authenticate or an end that is missing (a truncated file never reads as whole)."""
    index = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise error(truncated)
        (size,) = struct.unpack(">I", size_bytes)
        sealed = source.read(size)
        for marker in (b"more", b"last"):
            try:
                plain = aead.decrypt(_nonce(index), sealed, marker)
            except InvalidTag:
                continue
            yield plain
            if marker == b"last":
                return
            break
        else:
            raise error(altered)
        index += 1
