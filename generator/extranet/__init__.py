"""Client extranets: a project's data, scoped, built as its own site, then encrypted."""
