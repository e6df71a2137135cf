"""Sales documents as PDF: quotes, orders, invoices, credit notes, delivery notes,
reminder letters, and user templates merged with a record (``carnet merge``).

``render`` builds each document's HTML from the Book (``context`` holds one function per
concern), ``pdf`` turns HTML into PDF with WeasyPrint behind a confined URL fetcher,
``batch`` renders many documents in parallel and skips those whose content is unchanged,
``einvoice`` builds and embeds the Factur-X XML of invoices and credit notes.
"""
