"""Git, and nothing else runs it: the audit trail read in bulk, field diffs, the commits
of commands under one lock, time travel (``--at``)."""
