"""Keys and algorithms: which cipher protects personal data and which MAC seals the audit chain.

Two schemes, chosen by settings.ANLAN_CRYPTO:
- "default": personal data as Fernet tokens (AES-128-CBC + HMAC-SHA256), audit chain as HMAC-SHA256.
- "sm" (商用密码, for 密评 / GB/T 39786): personal data as SM4-GCM, audit chain as HMAC-SM3.

Every ciphertext and every audit entry says which scheme (and which key, by a short key id) made it, so
one database can hold both while `anlan crypto-migrate` converts it, and keys can be rotated: the first
key of a list encrypts/seals, every listed key decrypts/verifies. All primitives come from the
`cryptography` package (OpenSSL); nothing here is a hand-made cipher.

Keys live outside the database: in the environment (deployments with a secret store) or in 0600 files in
the data directory, created on first use — except that a key which already sealed data is never
silently re-created: losing it is reported as a clear error instead (`KeyMissingError`).
"""

import base64
import binascii
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.base import Cipher
from django.conf import settings

SM = "sm"
DEFAULT = "default"

FERNET = "fernet"
SM4_GCM = "sm4gcm"
_SM4_PREFIX = SM4_GCM + ":"
_GCM_NONCE = 12
_GCM_TAG = 16


class KeyMissingError(Exception):
    """A key that sealed or encrypted stored data is not configured (message in Chinese, for operators)."""


class DecryptError(Exception):
    pass


def configured_scheme() -> str:
    return SM if settings.ANLAN_CRYPTO == SM else DEFAULT


# ---------------------------------------------------------------- key files


def write_key_file(path: Path, value: str) -> None:
    """Create a 0600 key file once (O_EXCL: two processes starting together cannot both write one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(value)


def _key_list(env_value: list[str], path: Path) -> list[str]:
    if env_value:
        return [k.strip() for k in env_value if k.strip()]
    if path.exists():
        return [k.strip() for k in path.read_text().split(",") if k.strip()]
    return []


def key_id(algorithm: hashes.HashAlgorithm, key: bytes) -> str:
    """A short public name for a key (8 hex digits of an HMAC under it): says which key made what,
    and reveals nothing about the key."""
    return mac_hex(algorithm, key, b"anlan key id")[:8]


def _decode_hex_key(text: str, what: str, size: int | None = None) -> bytes:
    try:
        key = binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        raise KeyMissingError(f"{what}格式错误：应为十六进制字符串") from None
    if size is not None and len(key) != size:
        raise KeyMissingError(f"{what}长度错误：应为 {size * 8} 位（{size * 2} 个十六进制字符）")
    if size is None and len(key) < 16:
        raise KeyMissingError(f"{what}过短：至少 128 位（32 个十六进制字符）")
    return key


# ---------------------------------------------------------------- MACs (audit chain)


def hash_algorithm(scheme: str) -> hashes.HashAlgorithm:
    return hashes.SM3() if scheme == SM else hashes.SHA256()


def mac_hex(algorithm: hashes.HashAlgorithm, key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, algorithm)
    h.update(data)
    return h.finalize().hex()


def audit_key_path() -> Path:
    return Path(settings.ANLAN_AUDIT_KEY_FILE)


def audit_keys() -> list[bytes]:
    """Audit keys, newest first (ANLAN_AUDIT_KEYS, else the data dir's audit_key file); [] when none."""
    return [_decode_hex_key(text, "审计密钥") for text in _key_list(settings.ANLAN_AUDIT_KEYS, audit_key_path())]


def create_audit_key() -> None:
    write_key_file(audit_key_path(), secrets.token_hex(32))


# ---------------------------------------------------------------- blind indexes (search encrypted values)


def blind_index(normalised: str) -> str:
    """A keyed hash of a normalised value (a phone number), stored beside its ciphertext so that the exact
    value can be found by equality on an indexed column. Field ciphertexts are randomised (the same number
    encrypts differently each time), so they cannot be compared; an unkeyed hash could be reversed by trying
    every number (10^11 at most), which the key, kept outside the database, prevents. Deterministic on
    purpose and HMAC-SHA256 whatever ANLAN_CRYPTO says, so switching schemes leaves the indexes valid."""
    key = settings.ANLAN_BLIND_INDEX_KEY.encode()
    return mac_hex(hashes.SHA256(), key, b"anlan blind index:" + normalised.encode())


# ---------------------------------------------------------------- field encryption


def sm4_key_path() -> Path:
    return Path(settings.ANLAN_SM4_KEY_FILE)


@lru_cache(maxsize=4)
def _sm4_keyring(texts: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    keys = [_decode_hex_key(t, "SM4 密钥", size=16) for t in texts]
    return tuple((key_id(hashes.SM3(), k), k) for k in keys)


def sm4_keys(*, create: bool) -> tuple[tuple[str, bytes], ...]:
    """(key id, key) pairs, newest first. Created on first use only when `create` (encrypting in sm mode)."""
    texts = _key_list(settings.ANLAN_SM4_KEYS, sm4_key_path())
    if not texts and create:
        write_key_file(sm4_key_path(), secrets.token_hex(16))
        texts = _key_list(settings.ANLAN_SM4_KEYS, sm4_key_path())
    if not texts:
        raise KeyMissingError(
            f"SM4 密钥缺失：未设置 ANLAN_SM4_KEYS，数据目录中也没有 {sm4_key_path().name}；"
            "已加密的数据无法解密，请从备份恢复密钥文件"
        )
    return _sm4_keyring(tuple(texts))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def _sm4_gcm(key: bytes, nonce: bytes, tag: bytes | None = None):
    from cryptography.hazmat.primitives.ciphers import algorithms, modes

    return Cipher(algorithms.SM4(key), modes.GCM(nonce, tag))


def ciphertext_scheme(token: str) -> str:
    """Which scheme made a stored value: SM4-GCM tokens carry a prefix; Fernet tokens (url-safe base64,
    never a colon) are the ones written before the prefix existed."""
    return SM4_GCM if token.startswith(_SM4_PREFIX) else FERNET


def field_scheme() -> str:
    """The ciphertext scheme new values are written with."""
    return SM4_GCM if configured_scheme() == SM else FERNET


def encrypt_field(plain: str) -> str:
    if field_scheme() == FERNET:
        return fernet().encrypt(plain.encode()).decode()
    kid, key = sm4_keys(create=True)[0]
    header = f"{_SM4_PREFIX}{kid}:"
    nonce = os.urandom(_GCM_NONCE)
    encryptor = _sm4_gcm(key, nonce).encryptor()
    # The header is authenticated too: a token cannot be re-labelled with another key id.
    encryptor.authenticate_additional_data(header.encode())
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return header + base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()


def decrypt_field(token: str) -> str:
    """The plain text of a stored value, whichever scheme made it; DecryptError if no configured key can."""
    if ciphertext_scheme(token) == FERNET:
        try:
            return fernet().decrypt(token.encode()).decode()
        except InvalidToken:
            raise DecryptError("no Fernet key decrypts this value") from None
    try:
        _, kid, payload = token.split(":", 2)
        raw = base64.urlsafe_b64decode(payload.encode())
    except (ValueError, binascii.Error):
        raise DecryptError("malformed SM4 token") from None
    keys = dict(sm4_keys(create=False))
    if kid not in keys or len(raw) < _GCM_NONCE + _GCM_TAG:
        raise DecryptError(f"no SM4 key with id {kid}")
    nonce, body, tag = raw[:_GCM_NONCE], raw[_GCM_NONCE:-_GCM_TAG], raw[-_GCM_TAG:]
    decryptor = _sm4_gcm(keys[kid], nonce, tag).decryptor()
    decryptor.authenticate_additional_data(f"{_SM4_PREFIX}{kid}:".encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise DecryptError("SM4 token fails authentication") from None
