"""The Create Interaction wizard: its pages, its session state, its step forms.

``views`` (the pages), ``state`` (steps, the session-stored state, defaults,
uploads, finishing through the services), ``forms`` (one form per step).
"""
