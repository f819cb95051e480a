"""The interaction log in the API: its shapes (``serializers``) and views."""
