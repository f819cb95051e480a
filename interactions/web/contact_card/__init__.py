"""The contact card's interaction parts: ``views`` (the card extended with
statistics, timeline and actions; the timeline page; the actions), ``forms``,
``urls`` (routed under ``/contacts/`` by the project's URLconf)."""
