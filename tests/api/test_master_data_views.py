"""The master-data views of the platform write through a service, or refuse.

The platform cannot know the apps' deletion rules, so a master-data viewset
names its service in ``writes``; contacts' code tables and salespeople get the
interactions app's service bound by the URLconf. A viewset without one must
say so, never save rows without the rules and the audit.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from contacts import api as contacts_api
from contacts.models import MailingGroup
from contacts.serializers import MailingGroupSerializer
from contacts.services import MASTER_DATA_WRITES
from interactions_crm.platform.api.masterdata import DeletableMasterDataViewSet
from interactions_crm.platform.models import AuditEvent


def test_a_master_data_view_without_a_service_refuses_by_name():
    class UnboundMailingGroupViewSet(DeletableMasterDataViewSet):
        queryset = MailingGroup.objects.all()
        serializer_class = MailingGroupSerializer
        lookup_field = "code"

    with pytest.raises(ImproperlyConfigured, match="UnboundMailingGroupViewSet"):
        UnboundMailingGroupViewSet().master_data_writes()


@pytest.mark.parametrize(
    "viewset", contacts_api.MASTER_DATA_VIEWSETS, ids=lambda v: v.__name__
)
def test_contacts_master_data_writes_through_the_master_data_service(viewset):
    assert viewset().master_data_writes() is MASTER_DATA_WRITES


def test_unused_mailing_group_is_deleted_through_the_service_and_audited(admin_api, db):
    MailingGroup.objects.create(code="NEWS", description="Newsletter")

    response = admin_api.delete("/api/v1/mailing-groups/NEWS/")

    assert response.status_code == 204
    assert not MailingGroup.objects.filter(code="NEWS").exists()
    assert AuditEvent.objects.filter(action="mailinggroup.delete").exists()
