"""Sales documents: numbering, billing views, and the commands that issue, split and credit."""
