"""The segment pages (DOMAIN §5; NAV §11).

``header`` (the segment list, create, edit the header), ``worksheet`` (the
segment's page and its actions: add one contact, save / reuse criteria, reuse
a logged segment, go back, delete), ``criteria`` (add / reduce / refine
contacts), ``lines`` (remove or personalise one line), ``log`` (log the
segment), ``forms`` (their forms). Logged segments are in
:mod:`interactions.web.logged_segments`.
"""
