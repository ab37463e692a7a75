from django.urls import path

from dangbo.core import views_admin as views
from dangbo.core import views_auth

app_name = "core"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("users/<int:pk>/active/", views.UserActiveView.as_view(), name="user_active"),
    path("users/<int:pk>/assign/", views.AssignRoleView.as_view(), name="user_assign"),
    path(
        "assignments/<int:pk>/revoke/",
        views.RevokeAssignmentView.as_view(),
        name="assignment_revoke",
    ),
    path("roles/", views.RoleListView.as_view(), name="roles"),
    path("roles/new/", views.RoleFormView.as_view(), name="role_create"),
    path("roles/<int:pk>/edit/", views.RoleFormView.as_view(), name="role_edit"),
    path("parameters/", views.ParameterListView.as_view(), name="parameters"),
    path("parameters/new/", views.ParameterCreateView.as_view(), name="parameter_create"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("token/", views.TokenView.as_view(), name="token"),
    path(
        "users/<int:pk>/second-factor/reset/",
        views.ResetSecondFactorView.as_view(),
        name="user_second_factor_reset",
    ),
    path("2fa/", views_auth.SecondFactorView.as_view(), name="second_factor"),
    path("2fa/enrol/", views_auth.SecondFactorEnrolView.as_view(), name="second_factor_enrol"),
    path("security/", views_auth.AccountSecurityView.as_view(), name="account_security"),
]
