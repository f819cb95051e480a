"""Helpers for the admin tests: submit the real forms the admin rendered."""

from html.parser import HTMLParser

from django.contrib.messages import get_messages


class _FormParser(HTMLParser):
    """Collects the successful controls of one <form> (like a browser would)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                if self._multiple:
                    self._add(self._select, value)
                else:
                    self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            if not self._multiple:
                value = self._select_value
                if value is None:
                    value = self._first_option or ""
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).lstrip("\n"))
            self._textarea = None


def form_data(response, form_id: str | None = None) -> dict[str, list[str]]:
    """The values a browser would post from the page's form (first or by id)."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    return parser.data


def message_texts(response) -> list[str]:
    """The flash messages of a response (for a followed redirect: the last page)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
