from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<id:pk>/", views.user_edit, name="user_edit"),
    path("users/<id:pk>/password/", views.user_password, name="user_password"),
    path("users/<id:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<id:pk>/activate/", views.user_activate, name="user_activate"),
]
