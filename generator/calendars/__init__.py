"""Calendar feeds (ICS, RFC 5545) of the agenda: one per user, resource, project, and one
for everything, built from the Book with the icalendar package (:mod:`.feeds`)."""
