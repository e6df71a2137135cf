"""Writing records for a person at the keyboard: a new firm's repository (``carnet init``),
record skeletons (``carnet new``) and the links between projects and the companies and
contacts taking part in them (``carnet link`` / ``unlink``).

Nothing here commits but ``carnet init``'s first commit: the user commits the records with
their own edits.
"""
