//! What a batch of applied blocks writes to the store, table by table.
//!
//! Table names are those of `python/antshares/storage/schema.py` (the one schema); a test
//! there checks that every name below exists.

/// The store tables the engine writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Blocks,
    HeightToHash,
    HashToHeight,
    TxIndex,
    Utxos,
    Assets,
    Holders,
    Enrollments,
    Ballots,
    Totals,
    Bookkeepers,
    Beacons,
    AgencySplits,
    Meta,
}

impl Table {
    pub const ALL: [Table; 14] = [
        Table::Blocks,
        Table::HeightToHash,
        Table::HashToHeight,
        Table::TxIndex,
        Table::Utxos,
        Table::Assets,
        Table::Holders,
        Table::Enrollments,
        Table::Ballots,
        Table::Totals,
        Table::Bookkeepers,
        Table::Beacons,
        Table::AgencySplits,
        Table::Meta,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Blocks => "blocks",
            Table::HeightToHash => "height_to_hash",
            Table::HashToHeight => "hash_to_height",
            Table::TxIndex => "tx_index",
            Table::Utxos => "utxos",
            Table::Assets => "assets",
            Table::Holders => "ans_holders",
            Table::Enrollments => "enrollments",
            Table::Ballots => "ballots",
            Table::Totals => "totals",
            Table::Bookkeepers => "bookkeepers",
            Table::Beacons => "beacons",
            Table::AgencySplits => "agency_splits",
            Table::Meta => "meta",
        }
    }
}

/// One write: a put (`Some`) or a delete (`None`).
pub type Write = (Vec<u8>, Option<Vec<u8>>);

/// Writes grouped by table, in the order they were made (a later write of a key wins).
#[derive(Default, Debug)]
pub struct WriteSet {
    tables: Vec<(Table, Vec<Write>)>,
}

impl WriteSet {
    pub fn put(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) {
        self.list(table).push((key, Some(value)));
    }

    pub fn delete(&mut self, table: Table, key: Vec<u8>) {
        self.list(table).push((key, None));
    }

    fn list(&mut self, table: Table) -> &mut Vec<Write> {
        if let Some(i) = self.tables.iter().position(|(t, _)| *t == table) {
            return &mut self.tables[i].1;
        }
        self.tables.push((table, Vec::new()));
        &mut self.tables.last_mut().expect("just pushed").1
    }

    pub fn len(&self) -> usize {
        self.tables.iter().map(|(_, w)| w.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The writes of each table in key order (a stable sort: of two writes to one key the
    /// later still comes last). LMDB inserts keys in order with far fewer page visits than
    /// the random order of txids.
    pub fn into_tables(mut self) -> Vec<(Table, Vec<Write>)> {
        for (_, writes) in &mut self.tables {
            writes.sort_by(|a, b| a.0.cmp(&b.0));
        }
        self.tables
    }
}
