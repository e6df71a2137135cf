"""E-mail campaigns: messages merged per recipient, sent through SMTP with a resumable
send log, delivery reports and unsubscribe replies read back into the contacts."""
