"""What a change does to the business, for a reviewer: ``carnet diff REV1 REV2``
(:mod:`generator.review.diff` computes it, :mod:`generator.review.render` writes it as
text, Markdown for a pull/merge request comment, or JSON)."""
