"""Contact master data: contacts, salespeople, classification and number series."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.keys import key_validator


class NumberSeries(models.Model):
    """A counter that hands out document numbers such as ``CT000001``.

    ``contacts.services.next_number`` increments it with a conditional
    ``UPDATE`` inside the caller's transaction, so concurrent creators never
    receive the same number (the row stays locked until commit).
    """

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=10)
    width = models.PositiveSmallIntegerField(_("number width"), default=6)
    last_number = models.PositiveBigIntegerField(_("last number used"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return self.code

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"


class CorrespondenceType(models.TextChoices):
    BLANK = "", _("(blank)")
    HARD_COPY = "hard_copy", _("Hard copy")
    EMAIL = "email", _("E-mail")


class Salesperson(models.Model):
    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[key_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone no."), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )

    class Meta:
        verbose_name = _("salesperson")
        verbose_name_plural = _("salespeople")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ClassificationCode(models.Model):
    """Shared shape of the classification code tables (DOMAIN §2)."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[key_validator]
    )
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class BusinessRelation(ClassificationCode):
    class Meta(ClassificationCode.Meta):
        verbose_name = _("business relation")
        verbose_name_plural = _("business relations")


class JobResponsibility(ClassificationCode):
    class Meta(ClassificationCode.Meta):
        verbose_name = _("job responsibility")
        verbose_name_plural = _("job responsibilities")


class IndustryGroup(ClassificationCode):
    class Meta(ClassificationCode.Meta):
        verbose_name = _("industry group")
        verbose_name_plural = _("industry groups")


class MailingGroup(ClassificationCode):
    class Meta(ClassificationCode.Meta):
        verbose_name = _("mailing group")
        verbose_name_plural = _("mailing groups")


class ContactQuerySet(models.QuerySet["Contact"]):
    def companies(self) -> "ContactQuerySet":
        return self.filter(type=Contact.Type.COMPANY)

    def persons(self) -> "ContactQuerySet":
        return self.filter(type=Contact.Type.PERSON)

    def with_related(self) -> "ContactQuerySet":
        return self.select_related("company", "salesperson")


class Contact(models.Model):
    class Type(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    no = models.CharField(
        _("no."), max_length=20, unique=True, validators=[key_validator]
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        limit_choices_to={"type": "company"},
        help_text=_("For persons: the company the person works for."),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone no."), max_length=30, blank=True)
    mobile_phone = models.CharField(_("mobile phone no."), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    country = models.CharField(_("country/region code"), max_length=10, blank=True)
    language = models.CharField(
        _("language code"),
        max_length=10,
        blank=True,
        help_text=_("Selects the language of interaction template content."),
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    correspondence_type = models.CharField(
        _("preferred correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.BLANK,
    )
    exclude_from_segment = models.BooleanField(_("exclude from segment"), default=False)
    privacy_blocked = models.BooleanField(_("privacy blocked"), default=False)
    email_opt_out = models.BooleanField(
        _("e-mail opt-out"),
        default=False,
        help_text=_("The contact asked not to get marketing e-mail."),
    )
    job_responsibilities = models.ManyToManyField(
        JobResponsibility,
        verbose_name=_("job responsibilities"),
        blank=True,
        related_name="contacts",
    )
    industry_groups = models.ManyToManyField(
        IndustryGroup,
        verbose_name=_("industry groups"),
        blank=True,
        related_name="contacts",
    )
    mailing_groups = models.ManyToManyField(
        MailingGroup,
        verbose_name=_("mailing groups"),
        blank=True,
        related_name="contacts",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["no"]
        indexes = [
            # Contact list search and sort by name.
            models.Index(fields=["name"], name="contact_name_idx"),
            # Segment criteria on geography.
            models.Index(fields=["post_code"], name="contact_post_code_idx"),
            models.Index(fields=["city"], name="contact_city_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="company", company__isnull=True) | Q(type="person"),
                name="contact_company_has_no_company",
                violation_error_message=_(
                    "A company cannot belong to another company."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(company=F("id")),
                name="contact_not_own_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact-detail", kwargs={"no": self.no})

    @property
    def is_company(self) -> bool:
        return self.type == self.Type.COMPANY

    @property
    def company_contact_id(self) -> int | None:
        """The contact whose figures this contact's entries count for."""
        return self.pk if self.is_company else self.company_id

    @property
    def company_name(self) -> str:
        if self.is_company:
            return self.name
        company = self.company
        return company.name if company is not None else ""


class ContactBusinessRelation(models.Model):
    """A contact's business relation, optionally linked to an external account."""

    class LinkType(models.TextChoices):
        BLANK = "", _("(none)")
        CUSTOMER = "customer", _("Customer")
        VENDOR = "vendor", _("Vendor")
        BANK_ACCOUNT = "bank_account", _("Bank account")

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="business_relations",
    )
    business_relation = models.ForeignKey(
        BusinessRelation,
        verbose_name=_("business relation"),
        on_delete=models.PROTECT,
        related_name="contact_links",
    )
    link_type = models.CharField(
        _("link to table"),
        max_length=20,
        choices=LinkType.choices,
        blank=True,
        default=LinkType.BLANK,
    )
    link_no = models.CharField(_("linked no."), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contact business relation")
        verbose_name_plural = _("contact business relations")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "business_relation"],
                name="contact_business_relation_unique",
            ),
            # record_document finds a contact by customer/vendor no.
            models.UniqueConstraint(
                fields=["link_type", "link_no"],
                condition=~Q(link_type=""),
                name="business_relation_link_unique",
                violation_error_message=_(
                    "This account is already linked to another contact."
                ),
            ),
            models.CheckConstraint(
                condition=Q(link_type="", link_no="")
                | (~Q(link_type="") & ~Q(link_no="")),
                name="business_relation_link_complete",
                violation_error_message=_(
                    "A link needs both the table and the number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.no}: {self.business_relation.code}"
