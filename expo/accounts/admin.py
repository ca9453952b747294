"""People in the admin: the e-mail address is the login, roles are groups.

Expo staff use the admin but may not raise anyone's privileges (their own included):
only superusers change admin access, superuser status, groups and permissions, or the
accounts of other admins. The admin log-in has the same limits as the other log-ins.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from expo.accounts.models import User
from expo.accounts.services import user_set_role
from expo.accounts.throttles import LoginPerAddressThrottle, LoginPerEmailThrottle
from expo.core.pages import throttle_wait
from expo.core.permissions import EXPO_STAFF, ROLES, VISITOR

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The API's and the pages' log-in limits (per client address and per account),
    checked before the password, so the right password does not get through either."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many": _("Too many log-in attempts. Please wait a minute and try again."),
    }

    def clean(self):
        wait = throttle_wait(
            self.request,
            [LoginPerAddressThrottle(), LoginPerEmailThrottle()],
            data={"email": self.data.get("username", "")},
        )
        if wait is not None:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return super().clean()


admin.site.login_form = ThrottledAdminAuthenticationForm


class _EmailLoginMixin:
    """E-mail addresses are stored lower-case and unique whatever their case."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class UserCreationForm(_EmailLoginMixin, AdminUserCreationForm):
    role = forms.ChoiceField(
        label=_("role"), choices=[(role, role.replace("_", " ")) for role in ROLES], initial=VISITOR
    )

    class Meta:
        model = User
        fields = ("email", "name", "language")


class StaffUserCreationForm(UserCreationForm):
    """For admins who are not superusers: an expo staff account would hand out admin access."""

    role = forms.ChoiceField(
        label=_("role"),
        choices=[(role, role.replace("_", " ")) for role in ROLES if role != EXPO_STAFF],
        initial=VISITOR,
    )


class UserForm(_EmailLoginMixin, UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "name",
            "language",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Important dates"),
            {"fields": ("last_login", "date_joined", "email_verified_at", "erased_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "language",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "email_verified_at", "erased_at")
    list_display = ("email", "name", "language", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "name")
    ordering = ("email",)
    filter_horizontal = ("groups", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *PRIVILEGE_FIELDS)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = StaffUserCreationForm
        return super().get_form(request, obj, **kwargs)

    def _guards_privileges(self, request, obj) -> bool:
        """Another admin's account: changing its e-mail or password would take it over."""
        return (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or (obj.is_staff and obj.pk != request.user.pk))
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._guards_privileges(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._guards_privileges(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # Read-only in the form already; a crafted POST must not get around it either.
            if change:
                stored = User.objects.get(pk=obj.pk)
                obj.is_staff, obj.is_superuser = stored.is_staff, stored.is_superuser
            else:
                obj.is_superuser = False
                if form.cleaned_data.get("role") == EXPO_STAFF:
                    raise PermissionDenied
        if change and "email" in form.changed_data:
            obj.email_verified_at = None  # the new address is not confirmed yet
        super().save_model(request, obj, form, change)
        if not change:
            # The same role set-up as `create_user`: expo staff also get the admin.
            user_set_role(user=obj, role=form.cleaned_data["role"])


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens, one per log-in: who and until when, never the key (only a hash is kept).

    Deleting one logs that device out. Tokens are made by logging in, not here.
    """

    list_display = ("user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    fields = ("user", "created", "expiry")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
