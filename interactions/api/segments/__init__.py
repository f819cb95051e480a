"""Segments in the API: their shapes (``serializers``) and views."""
