"""kopledger.reports."""
