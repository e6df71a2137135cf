"""Record files on disk: where they live, finding and reading them, YAML with positions,
the cache, edits that keep the user's layout, atomic writes."""
