"""Chain-level data: network profiles, the genesis block, chain files."""
