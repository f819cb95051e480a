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

#: What ``str.strip()`` removes (``str.isspace()``), spelt out: regex engines
#: disagree on ``\s`` (ECMA-262 leaves out U+0085 and U+001C–U+001F and adds
#: U+FEFF; the fuzzer's engine is not Python's), so the patterns never use it.
WHITESPACE = (
    "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
#: Text that is not blank once trimmed (the API schema's ``pattern``).
NOT_BLANK_PATTERN = f"[^{WHITESPACE}]"
#: A key: some character that is not whitespace, and no "/" (drf-spectacular
#: turns ``\Z`` into ``$``).
KEY_PATTERN = f"^[^/]*[^{WHITESPACE}/][^/]*\\Z"
#: The same as the OpenAPI schema states it.
KEY_SCHEMA_PATTERN = KEY_PATTERN.replace(r"\Z", "$")
#: A key that may be left blank (the number series gives one): no "/".
OPTIONAL_KEY_PATTERN = r"^[^/]*\Z"
OPTIONAL_KEY_SCHEMA_PATTERN = OPTIONAL_KEY_PATTERN.replace(r"\Z", "$")

KEY_MESSAGE = _(
    "A key needs a character other than a space, and “/” cannot be part "
    "of it: the key is the record's address."
)

key_validator = RegexValidator(
    regex=KEY_PATTERN, message=KEY_MESSAGE, code="invalid_key"
)
optional_key_validator = RegexValidator(
    regex=OPTIONAL_KEY_PATTERN, message=KEY_MESSAGE, code="invalid_key"
)
