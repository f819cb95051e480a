"""Business keys (codes and numbers) that a URL can name.

A code or number is the last part of its record's address (``/api/v1/
mailing-groups/<code>/``, the staff pages). One validator on every such model
field states the rule once for the API (its schema ``pattern``, from the
validator), the admin and the staff forms: at least one character that is not
a space, and no "/" (a path separator: the record could not be addressed —
found by the fuzzer as a 500 after the write).
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

#: A character ``str.strip()`` keeps: not whitespace as Python counts it,
#: which is Unicode's White_Space (``\s`` in ECMA-262 and Rust regexes, the
#: fuzzer's) plus the information separators U+001C–U+001F.
#: It is the API schema's ``pattern`` of text that must not be blank.
NOT_BLANK_PATTERN = r"[^\s\u001c-\u001f]"
#: Python, ECMA-262 and Rust alike (drf-spectacular turns ``\Z`` into ``$``).
KEY_PATTERN = r"^[^/]*[^\s\u001c-\u001f/][^/]*\Z"
#: The same as the OpenAPI schema states it.
KEY_SCHEMA_PATTERN = KEY_PATTERN.replace(r"\Z", "$")

key_validator = RegexValidator(
    regex=KEY_PATTERN,
    message=_(
        "A key needs a character other than a space, and “/” cannot be part "
        "of it: the key is the record's address."
    ),
    code="invalid_key",
)
