"""The alert pages, one module per part of the work: listing.py (the list and the inbox),
drafting.py (the draft form, its live privacy check and category rules, the preview),
deciding.py (the alert's page, reporting, the steps' decisions and overrides, cancelling,
follow-ups) and sending.py (the sender's confirmation). Shared pieces are in common.py."""
