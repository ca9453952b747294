"""People in the admin: the e-mail address is the login, roles are groups."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from expo.accounts.models import User
from expo.accounts.services import user_set_role
from expo.core.permissions import ROLES, VISITOR


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


class UserForm(_EmailLoginMixin, UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "name", "language", "is_active", "is_staff", "is_superuser", "groups")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
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
    readonly_fields = ("last_login", "date_joined", "erased_at")
    list_display = ("email", "name", "language", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "name")
    ordering = ("email",)
    filter_horizontal = ("groups",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The same role set-up as `create_user`: expo staff also get the admin.
            user_set_role(user=obj, role=form.cleaned_data["role"])
