"""Hostile repositories: a data repository prepared by someone who wants to hurt."""
