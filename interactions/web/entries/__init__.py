"""The interaction log's pages: ``log`` (the list, export, bulk actions),
``detail`` (one entry and its actions), ``forms``."""
