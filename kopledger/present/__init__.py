"""kopledger.present."""
