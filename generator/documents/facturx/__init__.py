"""Factur-X: the EN 16931 e-invoice (CII XML) embedded in invoices and credit notes."""
