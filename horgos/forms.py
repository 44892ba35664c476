"""What every app's forms share: a service's errors shown on the form, and a new password typed twice.

Forms check the shape of the input; services enforce the rules. `show_service_error` puts a service's
ValidationError on the form, on the field it names where the form has that field, so a rule broken in the
service reads like any other field error.
"""

import html

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from horgos.audit import REASON_MAX_LENGTH
from horgos.choices import Role
from horgos.models import User

PASSWORDS_DIFFER = _("The two passwords differ.")


def show_service_error(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Add a service's ValidationError to `form`: on the named field (renamed by `field_map` where the form calls
    it otherwise) when the form has it, else above the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = field_map.get(name, name)
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, errors)


class ManyOptionsSelect(forms.Select):
    """A select of hundreds of options (countries, HS chapters), written as `forms.Select` writes it with this
    site's templates, character for character, but its options are written here rather than by two templates per
    option, and without a dict per option (`optgroups`): that took about 100 ms of each catalogue page (the
    countries and the chapters). Plain string escaping too, not `format_html` per option, which costs as much."""

    template_name = "django/forms/widgets/many_options_select.html"

    def optgroups(self, name, value, attrs=None):
        return []  # the options are written by `options_html`

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = mark_safe(self.options_html(context["widget"]["value"]))
        return context

    def options_html(self, values: list[str]) -> str:
        """The options (in their optgroups), selected as `ChoiceWidget.optgroups` selects them: the first whose
        value is among `values` (every one of them for a multiple select)."""
        parts = []
        has_selected = False
        for value, label in self.choices:
            group = value if isinstance(label, list | tuple) else None
            if group:
                parts.append(f'\n  <optgroup label="{_escape(group)}">')
            for option_value, option_label in label if isinstance(label, list | tuple) else [(value, label)]:
                option_value = "" if option_value is None else option_value
                selected = (not has_selected or self.allow_multiple_selected) and str(option_value) in values
                has_selected |= selected
                # Each option on its line, and the line break that ends select_option.html after it.
                parts.append(f"\n  {self._option_html(option_value, option_label, selected)}\n")
            if group:
                parts.append("\n  </optgroup>")
        return "".join(parts)

    @staticmethod
    def _option_html(value, label, selected: bool) -> str:
        # As templates/django/forms/widgets/select_option.html: the empty choice "---------" says what it means.
        label = gettext("Choose…") if label == "---------" else label
        return f'<option value="{_escape(value)}"{" selected" if selected else ""}>{_escape(label)}</option>'


def _escape(text) -> str:
    """`conditional_escape` without its lazy-string wrapper, which costs more than the escaping itself."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def new_password_field(label) -> forms.CharField:
    return forms.CharField(label=label, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class NewPasswordForm(forms.Form):
    """A new account's password, typed twice and checked by the site's password validators against the account
    the form describes: its names (whichever of username, first and last name and e-mail the form asks for) and
    `password_role`."""

    password1 = new_password_field(_("Password"))
    password2 = new_password_field(_("Password again"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, in the language of the request.
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    # The role of the account the form creates; with the names the form asks for, the validators compare the
    # password with them.
    password_role = ""
    ACCOUNT_NAME_FIELDS = ("username", "first_name", "last_name", "email")

    def password_user(self, cleaned: dict) -> User:
        """The account the password is for, unsaved, from the names this form asks for."""
        names = {name: cleaned.get(name, "") for name in self.ACCOUNT_NAME_FIELDS if name in self.fields}
        return User(**names, role=self.password_role)

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise ValidationError(PASSWORDS_DIFFER, code="password_mismatch")
        return password2

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password2")
        if password and not self.has_error("password2"):
            try:
                password_validation.validate_password(password, user=self.password_user(cleaned))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ConfirmForm(forms.Form):
    """The confirmation step of an action (`horgos.pages.render_confirmation`), with a reason field when given
    `reason_label`. Whether a reason is required is the service's rule (`horgos.audit.reason_required`); the
    `required` attribute only saves a round trip in the browser."""

    def __init__(self, *args, reason_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_label:
            self.fields["reason"] = forms.CharField(
                label=reason_label,
                max_length=REASON_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "required": True}),
            )

    @property
    def reason(self) -> str:
        return self.cleaned_data.get("reason", "")


class PasswordConfirmForm(forms.Form):
    """The password typed again before a sensitive action (horgos.reauth)."""

    WRONG_PASSWORD = _("The password is not correct.")

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class MachineTokenForm(forms.Form):
    """A machine client's token: its name, and the service account it acts as."""

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Which machine, e.g. “CN e-gate 3”."))
    user = forms.ModelChoiceField(
        label=_("Account"),
        queryset=User.objects.none(),
        help_text=_(
            "The e-gate's service account: an officer account at the gate's checkpoint (create it under Officers "
            "and users); the gate records crossings as it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True, role=Role.OFFICER).order_by("username")


class LockoutCountedPasswordChangeForm(PasswordChangeForm):
    """Django's password change form, whose old password is checked as a sign-in is (through `authenticate`, with
    the request): a wrong one counts towards the lockout, and a locked account gets no more guesses here."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
