"""The NEP-6 JSON wallet with NEP-2 keys (SPEC §9), extended for the two-password accounts.

The file format, the password model and the failure behaviour are described in docs/wallet.md.
In short:
- a single P-256 key account and a watch-only account are plain NEP-6 (a NEO wallet opens here);
  every other account keeps its keys in `extra.antshares`: each key's public key, curve, role and
  NEP-2 (null for keys held elsewhere; always null for a recovery key);
- two passwords at most: the payment password encrypts every key that pays, the query password the
  query keys. Opening needs neither (addresses and scripts are public data); `unlock_query` gives
  the query keys (stealth scanning), `unlock_payment` the keys that pay;
- `extra.antshares.checksum` (SHA-256 of the canonical JSON) catches corruption and edits; each
  decrypted key is checked against its recorded public key. It is not a MAC;
- reads are capped (`MAX_FILE_BYTES`), nothing is written while opening or unlocking, and `save`
  replaces the file atomically (temporary file in the same folder, fsync, rename), mode 0600.
"""

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from antshares.core import UInt160, Witness
from antshares.core.address import key_curve
from antshares.crypto import Curve
from antshares.fileio import FileLimitError, read_capped, strict_json, write_atomic
from antshares.wallet.accounts import Account, AccountKind, KeyRole
from antshares.wallet.keys import (
    STANDARD_SCRYPT,
    AccountError,
    KeyPair,
    LockedError,
    ScryptParams,
    WalletError,
    WalletFileError,
    WrongPasswordError,
    decode_nep2,
)

__all__ = [
    "MAX_ACCOUNTS",
    "MAX_FILE_BYTES",
    "AccountRef",
    "Wallet",
    "WalletAccount",
]

MAX_FILE_BYTES = 32 << 20
MAX_ACCOUNTS = 100_000
MAX_TEXT = 1024  # characters of a wallet name or an account label
MAX_SCRIPT_BYTES = 65_536
FORMAT = 1  # of our `extra.antshares` blocks
EXTENSION = "antshares"
NEP6_VERSION = "1.0"


@dataclass
class WalletAccount:
    """An account in the wallet: public data, the NEP-2 of the keys held, NEP-6 flags."""

    account: Account
    label: str | None = None
    is_default: bool = False
    locked: bool = False  # NEP-6 "lock": the user asked not to spend from this account
    encrypted_keys: dict[bytes, str] = field(default_factory=dict, repr=False)  # key → NEP-2
    other_extra: dict[str, Any] = field(default_factory=dict, repr=False)  # other tools' data

    @property
    def address(self) -> str:
        return self.account.address

    @property
    def script_hash(self) -> UInt160:
        return self.account.script_hash

    @property
    def kind(self) -> AccountKind:
        return self.account.kind

    def held_keys(self, role: KeyRole | None = None) -> list[bytes]:
        """Public keys (script order) whose secret this wallet stores, optionally of one role."""
        return [
            k
            for k in self.account.public_keys
            if k in self.encrypted_keys and (role is None or self.account.role_of(k) == role)
        ]


AccountRef = WalletAccount | Account | UInt160 | str  # an account, a script hash or an address
_OTHER_ROLE = {KeyRole.PAYMENT: KeyRole.QUERY, KeyRole.QUERY: KeyRole.PAYMENT}


class Wallet:
    """A NEP-6 wallet file. Build with `Wallet.create` or `Wallet.open`; nothing is written
    until `save()`."""

    def __init__(
        self,
        path: Path,
        name: str,
        scrypt: ScryptParams,
        accounts: list[WalletAccount],
        other_extra: dict[str, Any],
        disk_digest: bytes | None,
    ) -> None:
        self.path = path
        self.name = name
        self.scrypt = scrypt
        self._accounts = accounts
        self._other_extra = other_extra
        self._disk_digest = disk_digest  # SHA-256 of the file as last read or written
        self._keys: dict[bytes, KeyPair] = {}  # decrypted, by public key
        self._unlocked: set[KeyRole] = set()

    # Opening and saving.

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        scrypt: ScryptParams = STANDARD_SCRYPT,
    ) -> "Wallet":
        """A new, empty wallet, written at once. `scrypt` other than the standard is for tests."""
        target = Path(path)
        if target.exists():
            raise WalletFileError(f"{target}: a file is already there")
        wallet = cls(target, name or target.stem, scrypt, [], {}, None)
        wallet.save()
        return wallet

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, minimum_scrypt: ScryptParams = STANDARD_SCRYPT
    ) -> "Wallet":
        """Read and check the whole file (no password needed: it gives public data only).
        Files whose scrypt parameters are below `minimum_scrypt` are refused."""
        target = Path(path)
        raw = _read_capped(target)
        try:
            doc = strict_json(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise WalletFileError(f"{target}: not a complete JSON wallet ({exc})") from None
        try:
            wallet = cls._from_document(target, doc, minimum_scrypt)
        except WalletFileError as exc:
            raise WalletFileError(f"{target}: {exc}") from None
        wallet._disk_digest = hashlib.sha256(raw).digest()
        return wallet

    def save(self) -> None:
        """Replace the file atomically. Refused when the file changed on disk since it was read."""
        if self._disk_digest is not None and self.path.exists():
            changed = hashlib.sha256(_read_capped(self.path)).digest() != self._disk_digest
            if changed:
                raise WalletFileError(f"{self.path}: changed on disk since it was opened")
        data = (json.dumps(self._document(), indent=2, ensure_ascii=False) + "\n").encode()
        if len(data) > MAX_FILE_BYTES:
            raise WalletFileError(f"the wallet would exceed {MAX_FILE_BYTES} bytes")
        _atomic_write(self.path, data)
        self._disk_digest = hashlib.sha256(data).digest()

    # Accounts.

    @property
    def accounts(self) -> tuple[WalletAccount, ...]:
        return tuple(self._accounts)

    @property
    def default_account(self) -> WalletAccount | None:
        """The account flagged default, else the first, else None."""
        flagged = [a for a in self._accounts if a.is_default]
        return flagged[0] if flagged else (self._accounts[0] if self._accounts else None)

    def account(self, ref: AccountRef) -> WalletAccount:
        """Look up by account, script hash or address; `AccountError` when not in the wallet."""
        wanted = _script_hash_of(ref)
        for entry in self._accounts:
            if entry.script_hash == wanted:
                return entry
        raise AccountError(f"no account {wanted} in the wallet")

    def add(
        self,
        account: Account,
        keys: Iterable[KeyPair] = (),
        *,
        payment_password: str | None = None,
        query_password: str | None = None,
        label: str | None = None,
    ) -> WalletAccount:
        """Add an account with the keys of it this wallet should hold, each NEP-2 encrypted
        under the password of its role. The first key of a role sets that password; later ones
        must use the same. The two passwords must differ. A recovery key is never stored."""
        if any(e.script_hash == account.script_hash for e in self._accounts):
            raise AccountError(f"{account.address} is already in the wallet")
        _check_writable(account, label, len(self._accounts) + 1)
        held: dict[bytes, tuple[KeyRole, KeyPair]] = {}
        for key in keys:
            role = account.role_of(key.public_key)
            if role == KeyRole.RECOVERY:
                raise AccountError("the recovery key stays offline: the wallet never stores it")
            held[key.public_key] = (role, key)
        if held and account.kind == AccountKind.WATCH_ONLY:
            raise AccountError("a watch-only account holds no keys")
        known = _roles_of_held_keys(self._accounts)
        for public_key, (role, _) in held.items():
            if known.get(public_key, role) != role:  # else one password would open the other
                raise AccountError(f"key {public_key.hex()} already has another role here")
        given = {KeyRole.PAYMENT: payment_password, KeyRole.QUERY: query_password}
        passwords = self._check_new_passwords({role: given[role] for role, _ in held.values()})
        entry = WalletAccount(account, label)
        for public_key, (role, key) in held.items():
            entry.encrypted_keys[public_key] = key.to_nep2(passwords[role], scrypt=self.scrypt)
            if role in self._unlocked:
                self._keys[public_key] = key
        self._accounts.append(entry)
        return entry

    def remove(self, ref: AccountRef) -> None:
        entry = self.account(ref)
        self._accounts.remove(entry)
        for public_key in entry.encrypted_keys:
            self._keys.pop(public_key, None)

    def set_default(self, ref: AccountRef) -> None:
        chosen = self.account(ref)
        for entry in self._accounts:
            entry.is_default = entry is chosen

    # Passwords and keys.

    def has_keys(self, role: KeyRole) -> bool:
        """Whether any key is stored under the password of `role` (payment or query)."""
        return any(e.held_keys(role) for e in self._accounts)

    def is_unlocked(self, role: KeyRole) -> bool:
        return role in self._unlocked

    def unlock_query(self, password: str) -> int:
        """Decrypt every query key (stealth scanning); returns how many."""
        return self._unlock(KeyRole.QUERY, password)

    def unlock_payment(self, password: str) -> int:
        """Decrypt every key that pays; returns how many."""
        return self._unlock(KeyRole.PAYMENT, password)

    def lock(self) -> None:
        """Forget every decrypted key."""
        self._keys.clear()
        self._unlocked.clear()

    def keys_for(self, ref: AccountRef, role: KeyRole | None = None) -> list[KeyPair]:
        """The decrypted keys of an account (script order), optionally of one role."""
        entry = self.account(ref)
        return [self._keys[k] for k in entry.held_keys(role) if k in self._keys]

    def sign(
        self, ref: AccountRef, message: bytes, extra_keys: Iterable[KeyPair] = ()
    ) -> list[tuple[bytes, bytes]]:
        """Signatures by the account's decrypted keys and `extra_keys` (e.g. a recovery key
        typed in): up to m, possibly fewer, for a partial signing flow."""
        entry = self.account(ref)
        return entry.account.sign(message, [*self.keys_for(entry), *extra_keys])

    def witness(
        self, ref: AccountRef, message: bytes, extra_keys: Iterable[KeyPair] = ()
    ) -> Witness:
        """The account's witness from the keys at hand. `LockedError` when the wallet holds the
        missing keys but their password was not given; `SigningError` when it lacks them."""
        entry = self.account(ref)
        extra = list(extra_keys)
        signatures = entry.account.sign(message, [*self.keys_for(entry), *extra])
        if len(signatures) < entry.account.m:
            offered = {k.public_key for k in extra}
            locked = [k for k in entry.held_keys() if k not in self._keys and k not in offered]
            if len(signatures) + len(locked) >= entry.account.m:
                roles = sorted({entry.account.role_of(k).value for k in locked})
                raise LockedError(
                    f"{entry.address}: give the {' and '.join(roles)} password to sign"
                )
        return entry.account.witness(message, signatures)

    def _held(self, role: KeyRole) -> list[tuple[WalletAccount, bytes, str]]:
        return [(e, k, e.encrypted_keys[k]) for e in self._accounts for k in e.held_keys(role)]

    def _decrypt(self, entry: WalletAccount, public_key: bytes, password: str) -> KeyPair:
        nep2 = entry.encrypted_keys[public_key]
        key = KeyPair.from_nep2(nep2, password, key_curve(public_key), scrypt=self.scrypt)
        if key.public_key != public_key:  # the 4-byte NEP-2 check passed by chance, or edits
            raise WalletFileError(f"{entry.address}: a key does not match its public key")
        return key

    def _unlock(self, role: KeyRole, password: str) -> int:
        decrypted: dict[bytes, KeyPair] = {}
        for entry, public_key, _ in self._held(role):
            if public_key in decrypted:  # one key in several accounts
                continue
            try:
                decrypted[public_key] = self._decrypt(entry, public_key, password)
            except WrongPasswordError:
                if decrypted:
                    raise WrongPasswordError(
                        f"the {role.value} password does not open the key of {entry.address}"
                    ) from None
                raise WrongPasswordError(f"wrong {role.value} password") from None
        if decrypted:
            self._keys.update(decrypted)
            self._unlocked.add(role)
        return len(decrypted)

    def _opens(self, role: KeyRole, password: str) -> bool | None:
        """Whether `password` opens the keys of `role`; None when there are none."""
        held = self._held(role)
        if not held:
            return None
        entry, public_key, _ = held[0]
        try:
            self._decrypt(entry, public_key, password)
        except WrongPasswordError:
            return False
        return True

    def _check_new_passwords(self, given: dict[KeyRole, str | None]) -> dict[KeyRole, str]:
        passwords: dict[KeyRole, str] = {}
        for role, password in given.items():
            if not password:
                raise WalletError(f"a {role.value} password is needed for the {role.value} key")
            passwords[role] = password
        if len(set(passwords.values())) < len(passwords):
            raise WalletError("the query and payment passwords must differ")
        for role, password in passwords.items():
            if self._opens(role, password) is False:
                raise WrongPasswordError(f"wrong {role.value} password")
            other = _OTHER_ROLE[role]
            if other not in passwords and self._opens(other, password):
                raise WalletError("the query and payment passwords must differ")
        return passwords

    # The JSON document.

    def _document(self) -> dict[str, Any]:
        if len(self.name) > MAX_TEXT:
            raise WalletError(f"the wallet name is longer than {MAX_TEXT} characters")
        for entry in self._accounts:
            _check_writable(entry.account, entry.label, len(self._accounts))
        extra = dict(self._other_extra)
        extra[EXTENSION] = {"format": FORMAT}
        doc: dict[str, Any] = {
            "name": self.name,
            "version": NEP6_VERSION,
            "scrypt": {"n": self.scrypt.n, "r": self.scrypt.r, "p": self.scrypt.p},
            "accounts": [_account_to_json(e) for e in self._accounts],
            "extra": extra,
        }
        extra[EXTENSION]["checksum"] = _checksum(doc)
        return doc

    @classmethod
    def _from_document(cls, path: Path, doc: Any, minimum_scrypt: ScryptParams) -> "Wallet":
        doc = _object(doc, "the wallet")
        extra = _optional_object(doc.get("extra"), "extra")
        ours = extra.pop(EXTENSION, None)
        if ours is not None:  # written here: must be intact
            ours = dict(_object(ours, "extra.antshares"))
            claimed = ours.pop("checksum", None)
            if ours.get("format") != FORMAT:
                raise WalletFileError(f"unsupported extra.antshares format {ours.get('format')!r}")
            unsigned = {**doc, "extra": {**extra, EXTENSION: ours}}  # as it was checksummed
            if claimed != _checksum(unsigned):
                raise WalletFileError("checksum mismatch: the file was modified or is corrupt")
        scrypt = _scrypt_of(doc.get("scrypt"))
        if not scrypt.at_least(minimum_scrypt):
            raise WalletFileError(f"scrypt parameters {scrypt} are weaker than {minimum_scrypt}")
        if not isinstance(doc.get("version"), str):
            raise WalletFileError("missing NEP-6 version")
        name = _checked_text(doc.get("name"), "name") or path.stem
        items = doc.get("accounts")
        if not isinstance(items, list) or len(items) > MAX_ACCOUNTS:
            raise WalletFileError(f"accounts must be a list of at most {MAX_ACCOUNTS}")
        accounts = [_account_from_json(item, i) for i, item in enumerate(items)]
        if len({a.script_hash for a in accounts}) != len(accounts):
            raise WalletFileError("an account appears twice")
        _roles_of_held_keys(accounts)
        return cls(path, name, scrypt, accounts, extra, None)


# Accounts as JSON.


def _roles_of_held_keys(accounts: Iterable[WalletAccount]) -> dict[bytes, KeyRole]:
    """The role of every stored key. A key has one role in a wallet: a query key that also pays
    elsewhere would let the query password spend."""
    roles: dict[bytes, KeyRole] = {}
    for entry in accounts:
        for public_key in entry.held_keys():
            role = entry.account.role_of(public_key)
            if roles.setdefault(public_key, role) != role:
                raise WalletFileError(f"key {public_key.hex()} is stored with two roles")
    return roles


def _check_writable(account: Account, label: str | None, count: int) -> None:
    """Refuse what `open` would refuse, so the wallet never writes a file it cannot read."""
    if label is not None and len(label) > MAX_TEXT:
        raise AccountError(f"a label is at most {MAX_TEXT} characters")
    script = account.verification_script
    if script is not None and len(script) > MAX_SCRIPT_BYTES:
        raise AccountError(f"a script is at most {MAX_SCRIPT_BYTES} bytes")
    if count > MAX_ACCOUNTS:
        raise AccountError(f"a wallet holds at most {MAX_ACCOUNTS} accounts")


def _is_plain(account: Account) -> bool:
    """Plain NEP-6 (no extension): a single P-256 key, or watch-only."""
    if account.kind == AccountKind.WATCH_ONLY:
        return True
    return account.kind == AccountKind.SINGLE and len(account.public_keys[0]) == 33


def _account_to_json(entry: WalletAccount) -> dict[str, Any]:
    account = entry.account
    extra = dict(entry.other_extra)
    key = None
    if _is_plain(account):
        key = next(iter(entry.encrypted_keys.values()), None)
    else:
        extra[EXTENSION] = {
            "kind": account.kind.value,
            "keys": [
                {
                    "public_key": k.hex(),
                    "curve": key_curve(k).value,
                    "role": role.value,
                    "nep2": entry.encrypted_keys.get(k),
                }
                for k, role in zip(account.public_keys, account.roles, strict=True)
            ],
        }
    contract = None
    if account.verification_script is not None:
        names = ["signature"] if account.m == 1 else [f"parameter{i}" for i in range(account.m)]
        contract = {
            "script": account.verification_script.hex(),
            "parameters": [{"name": n, "type": "Signature"} for n in names],
            "deployed": False,
        }
    return {
        "address": account.address,
        "label": entry.label,
        "isDefault": entry.is_default,
        "lock": entry.locked,
        "key": key,
        "contract": contract,
        "extra": extra or None,
    }


def _account_from_json(item: Any, index: int) -> WalletAccount:
    try:
        return _parse_account(_object(item, "an account"))
    except (WalletFileError, AccountError, ValueError) as exc:
        raise WalletFileError(f"account {index}: {exc}") from None


def _parse_account(item: dict[str, Any]) -> WalletAccount:
    address = item.get("address")
    if not isinstance(address, str):
        raise WalletFileError("missing address")
    script = _script_of(item.get("contract"))
    key = _nep2_of(item.get("key"))
    extra = _optional_object(item.get("extra"), "extra")
    ours = extra.pop(EXTENSION, None)
    encrypted: dict[bytes, str] = {}
    if ours is not None:
        if key is not None or script is None:
            raise WalletFileError("an extended account needs a contract and no NEP-6 key")
        account, encrypted = _extended_account(_object(ours, "extra.antshares"), script)
    elif key is None and script is None:
        account = Account.watch_only(address=address)
    elif key is None:
        account = Account.watch_only(script=script)
    else:
        if script is None or len(keys := Account.watch_only(script=script).public_keys) != 1:
            raise WalletFileError("a NEP-6 key needs a single-signature contract")
        account = Account.single(keys[0])
        encrypted = {keys[0]: key}
    if account.verification_script not in (None, script):
        raise WalletFileError("the contract is not the script of the account's keys")
    if account.address != address:
        raise WalletFileError(f"address {address} does not match the account's script")
    if not _is_plain(account) and ours is None:
        raise WalletFileError("this account kind needs its extra.antshares block")
    return WalletAccount(
        account=account,
        label=_checked_text(item.get("label"), "label"),
        is_default=_bool(item.get("isDefault", False), "isDefault"),
        locked=_bool(item.get("lock", False), "lock"),
        encrypted_keys=encrypted,
        other_extra=extra,
    )


def _extended_account(ours: dict[str, Any], script: bytes) -> tuple[Account, dict[bytes, str]]:
    kind = AccountKind(_text(ours.get("kind"), "kind"))
    entries = ours.get("keys")
    if not isinstance(entries, list) or not 1 <= len(entries) <= 16:
        raise WalletFileError("keys must be a list of 1 to 16 entries")
    keys: list[bytes] = []
    roles: list[KeyRole] = []
    encrypted: dict[bytes, str] = {}
    for raw in entries:
        entry = _object(raw, "a key entry")
        public_key = bytes.fromhex(_text(entry.get("public_key"), "public_key"))
        if key_curve(public_key) != Curve(_text(entry.get("curve"), "curve")):
            raise WalletFileError(f"key {public_key.hex()}: the curve does not match its tag")
        role = KeyRole(_text(entry.get("role"), "role"))
        nep2 = _nep2_of(entry.get("nep2"))
        if nep2 is not None:
            if role == KeyRole.RECOVERY:
                raise WalletFileError("a recovery key must not be stored")
            encrypted[public_key] = nep2
        keys.append(public_key)
        roles.append(role)
    if kind == AccountKind.SINGLE and len(keys) == 1:
        account = Account.single(keys[0])
    elif kind == AccountKind.MULTISIG:
        account = Account.multisig(Account.watch_only(script=script).m, keys)
    elif kind == AccountKind.QUERY_PAYMENT and len(keys) == 2:
        account = Account.query_payment(*keys)
    elif kind == AccountKind.RECOVERABLE and len(keys) == 3 and roles.count(KeyRole.RECOVERY) == 1:
        recovery = keys[roles.index(KeyRole.RECOVERY)]
        online = [k for k in keys if k != recovery]
        account = Account.recoverable(online[0], online[1], recovery)
    else:
        raise WalletFileError(f"a {kind.value} account cannot have {len(keys)} such keys")
    if list(account.public_keys) != keys or list(account.roles) != roles:
        raise WalletFileError("the keys or their roles are not those of the account")
    return account, encrypted


# Validation helpers: every failure is a WalletFileError with a short reason.


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WalletFileError(f"{what} must be a JSON object")
    return value


def _optional_object(value: Any, what: str) -> dict[str, Any]:
    return {} if value is None else dict(_object(value, what))


def _optional_str(value: Any, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise WalletFileError(f"{what} must be a string or null")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise WalletFileError(f"{what} must be a string")
    return value


def _checked_text(value: Any, what: str) -> str | None:
    text = _optional_str(value, what)
    if text is not None and len(text) > MAX_TEXT:
        raise WalletFileError(f"{what} is longer than {MAX_TEXT} characters")
    return text


def _nep2_of(value: Any) -> str | None:
    text = _optional_str(value, "a NEP-2 key")
    if text is not None:
        decode_nep2(text)  # well formed: a damaged key is found at open, not at unlock
    return text


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise WalletFileError(f"{what} must be true or false")
    return value


def _script_of(contract: Any) -> bytes | None:
    if contract is None:
        return None
    hex_script = _optional_str(_object(contract, "contract").get("script"), "contract.script")
    if not hex_script or len(hex_script) > 2 * MAX_SCRIPT_BYTES:
        raise WalletFileError("contract.script must be hex of 1 to 65536 bytes")
    return bytes.fromhex(hex_script)


def _scrypt_of(value: Any) -> ScryptParams:
    params = _object(value, "scrypt")
    try:
        return ScryptParams(_int(params.get("n")), _int(params.get("r")), _int(params.get("p")))
    except ValueError as exc:
        raise WalletFileError(f"scrypt: {exc}") from None


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not an integer")
    return value


def _script_hash_of(ref: AccountRef) -> UInt160:
    if isinstance(ref, WalletAccount | Account):
        return ref.script_hash
    if isinstance(ref, UInt160):
        return ref
    return Account.watch_only(address=ref).script_hash


def _checksum(doc: dict[str, Any]) -> str:
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Files.


def _read_capped(path: Path) -> bytes:
    """The file's bytes; refuses what is not a regular file or is over MAX_FILE_BYTES."""
    try:
        return read_capped(path, MAX_FILE_BYTES)
    except FileLimitError as exc:
        raise WalletFileError(f"{path}: {exc}") from None
    except OSError as exc:
        raise WalletFileError(f"{path}: cannot read ({exc.strerror})") from None


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace the file atomically, mode 0600 (fileio.write_atomic)."""
    write_atomic(path, data, 0o600)
