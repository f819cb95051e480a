"""Statistics pages (DOMAIN §7): campaigns, templates, groups and salespeople.

``views``: a list (keyset pages, the figures of every row in one query) and a
card (the figures, the entries as a keyset list; a campaign's also its logged
segments) per kind of master data, over an optional date range (``forms``).
"""
