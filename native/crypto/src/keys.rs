//! Single verification, signing, key validation and key ordering.
use core::cmp::Ordering;

use aws_lc_rs::digest::{Digest, SHA256};

use crate::cache::{self, Backend, DecodedKey};
use crate::{sha256, Curve, Error, KEY_LEN, SECRET_LEN, SIGNATURE_LEN, TAGGED_KEY_LEN};

/// The SM2 user id of GB/T 32918 that AntShares uses for every SM2 key.
pub const SM2_DEFAULT_ID: &str = "1234567812345678";

/// Verifies `signature` (64 bytes r‖s) of `message` (the signed bytes, not a hash) by the
/// 33-byte compressed `key` on `curve`. High-S is accepted. Any malformed input gives `false`.
pub fn verify(curve: Curve, key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    if signature.len() != SIGNATURE_LEN {
        return false;
    }
    match cache::get(curve, key) {
        Ok(k) => verify_decoded(&k, message, None, signature),
        Err(_) => false,
    }
}

/// Like [`verify`] for P-256 and secp256k1, given `digest` = SHA-256 of the signed bytes instead
/// of the bytes (hash a transaction once, verify all its signatures). SM2 cannot be verified from
/// a SHA-256 digest (its hash covers the key's Z value and uses SM3): always `false` for SM2.
pub fn verify_prehashed(curve: Curve, key: &[u8], digest: &[u8; 32], signature: &[u8]) -> bool {
    if curve == Curve::Sm2 || signature.len() != SIGNATURE_LEN {
        return false;
    }
    match cache::get(curve, key) {
        Ok(k) => verify_decoded(&k, &[], Some(digest), signature),
        Err(_) => false,
    }
}

/// Verification against a decoded key. `sha256`, when given, must be SHA-256(`message`); it is
/// used instead of `message` by P-256 and secp256k1 and ignored by SM2.
pub(crate) fn verify_decoded(
    k: &DecodedKey,
    message: &[u8],
    sha256_digest: Option<&[u8; 32]>,
    signature: &[u8],
) -> bool {
    if signature.len() != SIGNATURE_LEN {
        return false;
    }
    match &k.backend {
        Backend::R1(pk, hot) => {
            let owned;
            let digest = match sha256_digest {
                Some(d) => d,
                None => {
                    owned = sha256(message);
                    &owned
                }
            };
            if let Ok(sig) = <&[u8; SIGNATURE_LEN]>::try_from(signature) {
                if let Some(valid) = hot.verify(digest, sig) {
                    return valid;
                }
            }
            match Digest::import_less_safe(digest, &SHA256) {
                Ok(d) => pk.verify_digest_sig(&d, signature).is_ok(),
                Err(_) => false,
            }
        }
        Backend::K1(pk) => {
            // parse_compact rejects r or s >= n; verify rejects r or s = 0.
            let Ok(mut sig) = secp256k1::ecdsa::Signature::from_compact(signature) else {
                return false;
            };
            // libsecp256k1 only verifies low-S; AntShares accepts both (SPEC §3).
            sig.normalize_s();
            let digest = match sha256_digest {
                Some(d) => *d,
                None => sha256(message),
            };
            secp256k1::ecdsa::verify(&sig, secp256k1::Message::from_digest(digest), pk).is_ok()
        }
        Backend::Sm2(vk) => {
            use sm2::dsa::signature::Verifier;
            // from_slice rejects r or s outside [1, n-1].
            let Ok(sig) = sm2::dsa::Signature::from_slice(signature) else {
                return false;
            };
            vk.verify(message, &sig).is_ok()
        }
    }
}

/// SM2 order minus one: GB/T 32918 private keys lie in [1, n-2] (signing inverts 1 + d).
const SM2_N_MINUS_1: [u8; 32] = [
    0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b, 0x53, 0xbb, 0xf4, 0x09, 0x39, 0xd5, 0x41, 0x22,
];

fn secret_array(curve: Curve, secret: &[u8]) -> Result<&[u8; SECRET_LEN], Error> {
    let s: &[u8; SECRET_LEN] = secret.try_into().map_err(|_| Error::InvalidSecret)?;
    if curve == Curve::Sm2 && s >= &SM2_N_MINUS_1 {
        return Err(Error::InvalidSecret);
    }
    Ok(s)
}

/// The 33-byte compressed public key of a 32-byte secret on `curve` (in `[1, n-1]`; SM2:
/// `[1, n-2]` as GB/T 32918 requires).
pub fn public_key_from_secret(curve: Curve, secret: &[u8]) -> Result<[u8; KEY_LEN], Error> {
    let secret = secret_array(curve, secret)?;
    let mut out = [0u8; KEY_LEN];
    match curve {
        Curve::Secp256r1 => {
            let sk =
                p256::ecdsa::SigningKey::from_slice(secret).map_err(|_| Error::InvalidSecret)?;
            out.copy_from_slice(sk.verifying_key().to_sec1_point(true).as_bytes());
        }
        Curve::Secp256k1 => {
            let sk = secp256k1::SecretKey::from_secret_bytes(*secret)
                .map_err(|_| Error::InvalidSecret)?;
            out = secp256k1::PublicKey::from_secret_key(&sk).serialize();
        }
        Curve::Sm2 => {
            use sm2::elliptic_curve::sec1::ToSec1Point;
            let sk = sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_ID, secret)
                .map_err(|_| Error::InvalidSecret)?;
            let p = sk.verifying_key().to_sec1_point(true);
            if p.as_bytes().len() != KEY_LEN {
                return Err(Error::InvalidSecret);
            }
            out.copy_from_slice(p.as_bytes());
        }
    }
    Ok(out)
}

/// Signs `message` (the signed bytes) with a 32-byte secret. P-256 and secp256k1: deterministic
/// ECDSA (RFC 6979) over SHA-256, always low-S. SM2: GB/T 32918 with SM3 and the default user
/// id, nonce derived deterministically (RFC 6979 style, SM3).
pub fn sign(curve: Curve, secret: &[u8], message: &[u8]) -> Result<[u8; SIGNATURE_LEN], Error> {
    let secret = secret_array(curve, secret)?;
    let mut out = [0u8; SIGNATURE_LEN];
    match curve {
        Curve::Secp256r1 => {
            use p256::ecdsa::signature::Signer;
            let sk =
                p256::ecdsa::SigningKey::from_slice(secret).map_err(|_| Error::InvalidSecret)?;
            let sig: p256::ecdsa::Signature =
                sk.try_sign(message).map_err(|_| Error::SigningFailed)?;
            out.copy_from_slice(&sig.normalize_s().to_bytes());
        }
        Curve::Secp256k1 => {
            let sk = secp256k1::SecretKey::from_secret_bytes(*secret)
                .map_err(|_| Error::InvalidSecret)?;
            let msg = secp256k1::Message::from_digest(sha256(message));
            out = secp256k1::ecdsa::sign(msg, &sk).serialize_compact();
        }
        Curve::Sm2 => {
            use sm2::dsa::signature::Signer;
            let sk = sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_ID, secret)
                .map_err(|_| Error::InvalidSecret)?;
            let sig: sm2::dsa::Signature =
                sk.try_sign(message).map_err(|_| Error::SigningFailed)?;
            out.copy_from_slice(&sig.to_bytes());
        }
    }
    Ok(out)
}

/// Splits a script key into its curve and 33-byte point: 33 bytes = P-256 (untagged),
/// 34 bytes = tag (`01` secp256k1, `02` SM2) + point. Checks lengths, tag and prefix, not the point.
pub fn split_key(key: &[u8]) -> Result<(Curve, &[u8; KEY_LEN]), Error> {
    match key.len() {
        KEY_LEN => Ok((Curve::Secp256r1, cache::check_compressed(key)?)),
        TAGGED_KEY_LEN => {
            let curve = Curve::from_tag(key[0]).ok_or(Error::InvalidKeyTag(key[0]))?;
            Ok((curve, cache::check_compressed(&key[1..])?))
        }
        n => Err(Error::InvalidKeyLength(n)),
    }
}

/// Checks that `key` is a valid 33-byte compressed point on `curve` (and caches it).
pub fn validate_key(curve: Curve, key: &[u8]) -> Result<(), Error> {
    cache::get(curve, key).map(|_| ())
}

/// The 65-byte uncompressed form (`04` ‖ X ‖ Y) of a valid compressed key.
pub fn decompress_key(curve: Curve, key: &[u8]) -> Result<[u8; 65], Error> {
    let k = cache::get(curve, key)?;
    let mut out = [0u8; 65];
    out[0] = 4;
    out[1..33].copy_from_slice(&key[1..]);
    out[33..].copy_from_slice(&k.y);
    Ok(out)
}

/// Ordering of multisig keys (format-1x §4): by X as an unsigned integer, then by Y; the prefix
/// byte is otherwise ignored. Keys may be 33-byte P-256 keys or 34-byte tagged keys: the 33-byte
/// point is compared the same way, ties broken by tag (untagged P-256 = 0). Well-formed keys
/// whose point is invalid sort by prefix where Y would be compared, malformed keys (wrong length,
/// prefix or tag) after all well-formed ones, by bytes. Total and panic-free.
pub fn compare_keys(a: &[u8], b: &[u8]) -> Ordering {
    match (split_key(a), split_key(b)) {
        (Ok(pa), Ok(pb)) => compare_split(pa, pb),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Like [`compare_keys`] but refuses malformed or invalid keys.
pub fn try_compare_keys(a: &[u8], b: &[u8]) -> Result<Ordering, Error> {
    let pa = split_key(a)?;
    let pb = split_key(b)?;
    cache::get(pa.0, pa.1)?;
    cache::get(pb.0, pb.1)?;
    Ok(compare_split(pa, pb))
}

fn compare_split((ca, ka): (Curve, &[u8; KEY_LEN]), (cb, kb): (Curve, &[u8; KEY_LEN])) -> Ordering {
    // X: 32 bytes big-endian, so byte order is integer order.
    ka[1..]
        .cmp(&kb[1..])
        .then_with(|| {
            if ca == cb && ka[0] == kb[0] {
                return Ordering::Equal; // same point
            }
            let ya = cache::get(ca, ka).ok().map(|k| k.y);
            let yb = cache::get(cb, kb).ok().map(|k| k.y);
            ya.cmp(&yb).then(ka[0].cmp(&kb[0]))
        })
        .then_with(|| ca.tag().unwrap_or(0).cmp(&cb.tag().unwrap_or(0)))
}

/// Sorts keys in multisig order ([`compare_keys`]) after checking that every key is a valid
/// 33-byte P-256 key or 34-byte tagged key. On error the slice is left unchanged.
pub fn sort_keys<K: AsRef<[u8]>>(keys: &mut [K]) -> Result<(), Error> {
    for k in keys.iter() {
        let (c, p) = split_key(k.as_ref())?;
        cache::get(c, p)?;
    }
    keys.sort_by(|a, b| compare_keys(a.as_ref(), b.as_ref()));
    Ok(())
}
