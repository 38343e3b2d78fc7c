//! Random-beacon evidence carried by a version-1 MinerTransaction (SPEC §7.7): the dealings fixed
//! in the block and the secrets revealed for the previous block's dealings.
//!
//! The codec checks structure only (caps, point prefixes); which dealings and secrets a block may
//! carry, and whether they match, are ledger rules (`antshares_ledger::beacon`).
use crate::error::{Result, Within};
use crate::io::{write_var_int, Reader};
use crate::limits::{min_size, MAX_BEACON_COMMITMENTS, MAX_BEACON_DEALINGS, MAX_BEACON_SECRETS};

/// One bookkeeper's Feldman commitments: f+1 compressed P-256 points (prefix `02`/`03`), the
/// first of which commits to its secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dealing {
    /// Index of the dealer in the block's bookkeeper list.
    pub dealer: u16,
    pub commitments: Vec<[u8; 33]>,
}

/// The secret of a dealing fixed in the previous block, revealed once that block was final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RevealedSecret {
    pub dealer: u16,
    pub secret: [u8; 32],
}

/// The exclusive data of a version-1 MinerTransaction after its nonce.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct BeaconData {
    /// The dealings fixed in this block.
    pub dealings: Vec<Dealing>,
    /// The secrets of the dealings fixed in the previous block.
    pub secrets: Vec<RevealedSecret>,
}

impl BeaconData {
    /// No dealings and no secrets.
    pub const EMPTY: BeaconData = BeaconData {
        dealings: Vec::new(),
        secrets: Vec::new(),
    };

    /// The decoder's structural rules, with a plain message (for values built in memory).
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.dealings.len() > MAX_BEACON_DEALINGS {
            return Err(format!(
                "{} dealings exceed the maximum {MAX_BEACON_DEALINGS}",
                self.dealings.len()
            ));
        }
        if self.secrets.len() > MAX_BEACON_SECRETS {
            return Err(format!(
                "{} secrets exceed the maximum {MAX_BEACON_SECRETS}",
                self.secrets.len()
            ));
        }
        for (i, d) in self.dealings.iter().enumerate() {
            let n = d.commitments.len();
            if n == 0 {
                return Err(format!(
                    "dealings[{i}]: a dealing needs at least one commitment"
                ));
            }
            if n > MAX_BEACON_COMMITMENTS {
                return Err(format!(
                    "dealings[{i}]: {n} commitments exceed the maximum {MAX_BEACON_COMMITMENTS}"
                ));
            }
            if let Some(k) = d
                .commitments
                .iter()
                .position(|c| !matches!(c[0], 0x02 | 0x03))
            {
                return Err(format!(
                    "dealings[{i}].commitments[{k}]: commitment point prefix must be 0x02 or \
                     0x03, got 0x{:02x}",
                    d.commitments[k][0]
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let n = r.count("dealings", MAX_BEACON_DEALINGS, min_size::DEALING)?;
        let mut dealings = Vec::with_capacity(n);
        for i in 0..n {
            dealings.push(decode_dealing(r).within("dealings", Some(i))?);
        }
        let n = r.count("secrets", MAX_BEACON_SECRETS, min_size::REVEALED_SECRET)?;
        let mut secrets = Vec::with_capacity(n);
        for i in 0..n {
            let dealer = r.u16("dealer").within("secrets", Some(i))?;
            let secret = r.array("secret").within("secrets", Some(i))?;
            secrets.push(RevealedSecret { dealer, secret });
        }
        Ok(BeaconData { dealings, secrets })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        write_var_int(out, self.dealings.len() as u64);
        for d in &self.dealings {
            out.extend_from_slice(&d.dealer.to_le_bytes());
            write_var_int(out, d.commitments.len() as u64);
            for c in &d.commitments {
                out.extend_from_slice(c);
            }
        }
        write_var_int(out, self.secrets.len() as u64);
        for s in &self.secrets {
            out.extend_from_slice(&s.dealer.to_le_bytes());
            out.extend_from_slice(&s.secret);
        }
    }
}

fn decode_dealing(r: &mut Reader<'_>) -> Result<Dealing> {
    let dealer = r.u16("dealer")?;
    let at = r.pos();
    let n = r.count("commitments", MAX_BEACON_COMMITMENTS, min_size::COMMITMENT)?;
    if n == 0 {
        return r.err("commitments", at, "a dealing needs at least one commitment");
    }
    let mut commitments = Vec::with_capacity(n);
    for i in 0..n {
        commitments.push(decode_commitment(r).within("commitments", Some(i))?);
    }
    Ok(Dealing {
        dealer,
        commitments,
    })
}

/// A compressed point: only `02`/`03` prefixes (the identity cannot commit to a secret).
fn decode_commitment(r: &mut Reader<'_>) -> Result<[u8; 33]> {
    let at = r.pos();
    let point: [u8; 33] = r.array("")?;
    match point[0] {
        0x02 | 0x03 => Ok(point),
        p => r.err(
            "",
            at,
            format!("commitment point prefix must be 0x02 or 0x03, got 0x{p:02x}"),
        ),
    }
}
