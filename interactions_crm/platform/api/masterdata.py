"""Master-data endpoints: a code table by its business key (DESIGN.md §4.3).

Both apps have master data — contacts: salespeople and the classification code
tables; interactions: interaction groups, templates and campaigns. Their
endpoints are the same: list (keyset pages by the key), read, create, change
(the key is fixed once created, see ``FixedKeyMixin``) and delete, each write
through the master-data service (validation, the deletion rules of DOMAIN §8,
the audit of §9), never by ``serializer.save()``. The model permissions
(add/change/delete) make the writes an administrator's.

The app owning a table names its service in ``writes``
(:class:`~interactions_crm.platform.masterdata.MasterDataWrites`).
"""

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import conflict_on_refusal
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.pagination import KeysetPagination
from interactions_crm.platform.api.responses import created
from interactions_crm.platform.masterdata import MasterDataWrites


class MasterDataViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """List, read, create and change a master-data table by its business key.

    Writes go through ``writes.save``; a view that creates differently (a
    number from a series) overrides :meth:`create`.
    """

    pagination_class = KeysetPagination
    lookup_value_regex = "[^/]+"
    writes: ClassVar[MasterDataWrites | None] = None

    @property
    def keyset_orderings(self) -> dict[str, tuple[str, ...]]:
        return {self.lookup_field: (self.lookup_field,)}

    def master_data_writes(self) -> MasterDataWrites:
        """The service this table is written through; refused when none is bound."""
        if self.writes is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has no master-data service to write "
                "through: set its `writes`."
            )
        return self.writes

    def new_instance(self) -> Model:
        """The unsaved row a create fills in (a nested table sets its parent)."""
        instance: Model = self.get_queryset().model()
        return instance

    def location_of(self, data: Any) -> str | None:
        """The created row's URL for ``Location``; ``None``: its detail route."""
        return None

    def perform_save(self, serializer: BaseSerializer[Any], *, created: bool) -> Model:
        """Apply the validated values to the row and save it through the service."""
        instance = serializer.instance or self.new_instance()
        changed = [
            name
            for name, value in serializer.validated_data.items()
            if created or getattr(instance, name) != value
        ]
        for name in changed:
            setattr(instance, name, serializer.validated_data[name])
        return self.master_data_writes().save(
            actor=user_or_none(self.request.user),
            instance=instance,
            created=created,
            changed_fields=changed,
        )

    @idempotent
    def create(self, request: Request, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_save(serializer, created=True)
        data = self.get_serializer(instance).data
        return created(self, data, location=self.location_of(data))

    def _update(self, request: Request, *, partial: bool) -> Response:
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        instance = self.perform_save(serializer, created=False)
        return Response(self.get_serializer(instance).data)

    def update(self, request: Request, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        return self._update(request, partial=True)


# The docstring below is the OpenAPI description of every operation of a code
# table that has no docstring of its own (tests/api/fixtures/openapi.yaml).
class DeletableMasterDataViewSet(MasterDataViewSet):
    """DELETE through ``delete_master_record``: refused (409) while in use."""

    def destroy(self, request: Request, **kwargs: Any) -> Response:
        instance = self.get_object()
        with conflict_on_refusal():
            self.master_data_writes().delete(
                actor=user_or_none(request.user), instance=instance
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
