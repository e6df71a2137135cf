"""The Book: every record, frozen and indexed, with each view computed once (counting,
stock, billing, numbering, names)."""
