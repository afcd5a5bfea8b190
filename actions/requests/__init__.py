"""Service requests (ITIL request fulfilment): request types from data/requests, the form, the ticket."""
