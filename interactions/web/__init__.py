"""The staff pages of the interactions app (DESIGN §4.1), one module per area.

=====================  =====================================================
``entries/``           the interaction log: ``log`` (list, export, bulk
                       switch canceled / evaluate), ``detail`` (one entry:
                       comments, cancel, attachment, resend), ``forms``
``wizard/``            the Create Interaction wizard: ``views``, ``state``
                       (steps, session, finishing), ``forms`` (one per step)
``postponed``          postponed interactions: list, resume, delete
``delete_canceled``    the delete-canceled-entries page (filters, preview,
                       confirm; large runs as a job)
``jobs``               a background job's page: progress, result, resume
``segments/``          segments: ``header`` (list, create, edit),
                       ``worksheet`` (the segment's page and its actions),
                       ``criteria`` (add / reduce / refine contacts),
                       ``lines``, ``log`` (log segment), ``forms``
``logged_segments``    logged segments: list, switch canceled, delete, resend
``dashboard``          ``/``: figures and charts (``charts``: SVG geometry)
``contact_card/``      the contact card's interaction parts: statistics,
                       timeline, phone call, e-mail, cover sheet, add to
                       segment
``base``, ``fields``   what the pages share: access, messages, form fields
=====================  =====================================================

Views are thin: they read through :mod:`interactions.selectors`, write
through :mod:`interactions.services`, and put a service's refusal on the form
with :func:`interactions_crm.platform.forms.add_service_errors`.
"""
