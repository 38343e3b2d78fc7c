//! Every cap the decoders enforce, in one place. Counts are also checked against the bytes left
//! (count × minimal element size) before anything is allocated.

/// Attributes per transaction (2.x rule).
pub const MAX_ATTRIBUTES: usize = 16;
/// Inputs per transaction (and per Agency order).
pub const MAX_INPUTS: usize = 65_536;
/// Outputs per transaction (1.0 rule).
pub const MAX_OUTPUTS: usize = 65_536;
/// Witnesses per transaction (and per Agency order).
pub const MAX_WITNESSES: usize = 65_536;
/// Claims in a ClaimTransaction.
pub const MAX_CLAIMS: usize = 65_536;
/// Enrollment hashes in a VotingTransaction (at least 1).
pub const MAX_VOTING_ENROLLMENTS: usize = 1_024;
/// Orders in an AgencyTransaction.
pub const MAX_ORDERS: usize = 65_536;
/// State descriptors in a StateTransaction.
pub const MAX_STATE_DESCRIPTORS: usize = 16;
/// StateDescriptor.key length.
pub const MAX_STATE_KEY: usize = 100;
/// StateDescriptor.field length.
pub const MAX_STATE_FIELD: usize = 32;
/// StateDescriptor.value length.
pub const MAX_STATE_VALUE: usize = 65_535;
/// Witness invocation / verification script length.
pub const MAX_SCRIPT: usize = 65_536;
/// InvocationTransaction script length (non-empty).
pub const MAX_INVOCATION_SCRIPT: usize = 65_536;
/// PublishTransaction script and parameter list length.
pub const MAX_PUBLISH_SCRIPT: usize = 1_048_576;
/// PublishTransaction name / code_version / author / email length.
pub const MAX_PUBLISH_STRING: usize = 252;
/// PublishTransaction description length.
pub const MAX_PUBLISH_DESCRIPTION: usize = 65_536;
/// RegisterTransaction asset name length.
pub const MAX_ASSET_NAME: usize = 1_024;
/// Description (0x90) and Remark (0xf0..) attribute data length.
pub const MAX_ATTRIBUTE_DATA: usize = 65_535;
/// DescriptionUrl (0x81) attribute data length (1-byte length prefix).
pub const MAX_DESCRIPTION_URL: usize = 255;
/// Transactions per block (at least 1).
pub const MAX_BLOCK_TRANSACTIONS: usize = 65_535;
/// Headers in a P2P `headers` payload.
pub const MAX_HEADERS: usize = 2_000;
/// Keys in a multisig script (1 ≤ m ≤ n ≤ this).
pub const MAX_MULTISIG_KEYS: usize = 1_024;
/// Dealings in a version-1 MinerTransaction (one per bookkeeper, N ≤ 1024).
pub const MAX_BEACON_DEALINGS: usize = 1_024;
/// Feldman commitments per dealing (f + 1 with N ≤ 1024; at least 1).
pub const MAX_BEACON_COMMITMENTS: usize = 342;
/// Revealed secrets in a version-1 MinerTransaction.
pub const MAX_BEACON_SECRETS: usize = 1_024;
/// Longest Base58 string accepted by the decoders (guards the quadratic conversion).
pub const MAX_BASE58_LEN: usize = 256;

/// Minimal encoded sizes used for the count × size ≤ remaining check.
pub(crate) mod min_size {
    pub const INPUT: usize = 34;
    pub const OUTPUT: usize = 60;
    pub const WITNESS: usize = 2;
    pub const ATTRIBUTE: usize = 2;
    pub const HASH256: usize = 32;
    pub const DESCRIPTOR: usize = 4;
    pub const ORDER: usize = 38;
    pub const TRANSACTION: usize = 6;
    pub const HEADER_IN_PAYLOAD: usize = 108;
    /// Dealer index, a one-byte count and one commitment.
    pub const DEALING: usize = 36;
    pub const COMMITMENT: usize = 33;
    pub const REVEALED_SECRET: usize = 34;
}
