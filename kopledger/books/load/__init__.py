"""kopledger.books.load."""
