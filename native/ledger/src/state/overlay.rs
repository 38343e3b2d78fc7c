//! The changes of the block being applied, kept apart from the state until the block passes.
use crate::fast_hash::{FastMap as HashMap, FastSet};

use antshares_core::{UInt160, UInt256};

use super::records::{AssetState, BallotState};
use super::Ledger;
use crate::agency::{AgencyLookup, CarriedSplit};

#[derive(Default)]
pub(super) struct Overlay {
    pub assets: HashMap<UInt256, AssetState>,
    pub enrollments_added: HashMap<UInt256, [u8; 33]>,
    pub enrollments_removed: FastSet<UInt256>,
    /// `None`: the ballot ended in this block.
    pub ballots: HashMap<UInt256, Option<BallotState>>,
    pub splits: HashMap<UInt256, CarriedSplit>,
    /// Whole-share ANS changes per holder, applied to the index when the block passes (the
    /// lottery of a block draws from the holders at the end of the previous one).
    pub holder_deltas: HashMap<UInt160, i128>,
    /// Input-less transactions of this block (their txids must be new).
    pub inputless: FastSet<UInt256>,
    pub byte_fees: i64,
    pub burned: i64,
    /// Ballots or candidacies changed: the election must be counted again.
    pub election_dirty: bool,
}

/// The state as the block being applied sees it: the ledger with the overlay on top.
pub(super) struct View<'a> {
    pub ledger: &'a Ledger,
    pub overlay: &'a Overlay,
}

impl View<'_> {
    pub fn asset(&self, id: &UInt256) -> Option<&AssetState> {
        self.overlay
            .assets
            .get(id)
            .or_else(|| self.ledger.assets.get(id))
    }

    /// The key of an active candidacy.
    pub fn enrollment(&self, id: &UInt256) -> Option<[u8; 33]> {
        if self.overlay.enrollments_removed.contains(id) {
            return None;
        }
        self.overlay
            .enrollments_added
            .get(id)
            .or_else(|| self.ledger.enrollments.get(id))
            .copied()
    }

    pub fn ballot(&self, id: &UInt256) -> Option<&BallotState> {
        match self.overlay.ballots.get(id) {
            Some(b) => b.as_ref(),
            None => self.ledger.ballots.get(id),
        }
    }

    /// Active ballots and active candidate keys after this block's changes.
    pub fn election_inputs(&self) -> (Vec<&BallotState>, FastSet<[u8; 33]>) {
        let mut ballots: Vec<&BallotState> = self
            .ledger
            .ballots
            .iter()
            .filter(|(id, _)| !self.overlay.ballots.contains_key(*id))
            .map(|(_, b)| b)
            .collect();
        ballots.extend(self.overlay.ballots.values().flatten());
        let mut active: FastSet<[u8; 33]> = self
            .ledger
            .enrollments
            .iter()
            .filter(|(id, _)| !self.overlay.enrollments_removed.contains(*id))
            .map(|(_, k)| *k)
            .collect();
        active.extend(
            self.overlay
                .enrollments_added
                .iter()
                .filter(|(id, _)| !self.overlay.enrollments_removed.contains(*id))
                .map(|(_, k)| *k),
        );
        (ballots, active)
    }
}

impl AgencyLookup for View<'_> {
    fn asset_type(&self, asset: &UInt256) -> Option<u8> {
        self.asset(asset).map(|a| a.register.asset_type)
    }

    fn split_of(&self, txid: &UInt256) -> Option<CarriedSplit> {
        self.overlay
            .splits
            .get(txid)
            .or_else(|| self.ledger.splits.get(txid))
            .cloned()
    }
}
