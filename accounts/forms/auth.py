"""Forms of sign-in, two-factor and password change."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.http import HttpRequest

from ..models import User

INVALID_LOGIN = "職員番号またはパスワードが正しくありません。"
# What the validators of AUTH_PASSWORD_VALIDATORS ask for, said before the first attempt.
NEW_PHRASE_GUIDE = (
    "12文字以上で、職員番号や氏名に似ていないもの、数字だけではないものにしてください。"
)


class SignInForm(forms.Form):
    """職員番号 and password, checked through authenticate() so that django-axes counts
    every failure (unknown numbers too) and refuses a locked account."""

    # Longer than any 職員番号 on purpose: an over-long guess must reach authenticate()
    # (and be counted) and get the same answer as any other wrong guess.
    username = forms.CharField(
        label="職員番号",
        max_length=150,
        error_messages={"required": "職員番号を入力してください。"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label="パスワード",
        strip=False,
        max_length=4096,
        error_messages={"required": "パスワードを入力してください。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean_username(self) -> str:
        # A Japanese keyboard often types full-width digits (１２３４); NFKC makes them ASCII.
        return unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip()

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                # One answer for an unknown number, a wrong password, a disabled account
                # and a lock: nothing tells a guesser which numbers exist.
                raise forms.ValidationError(INVALID_LOGIN, code="invalid_login")
        return self.cleaned_data

    def get_user(self) -> User | None:
        return self.user_cache


class OtpTokenForm(forms.Form):
    """The six digits shown by the authenticator app."""

    token = forms.CharField(
        label="確認コード（6桁）",
        max_length=16,
        error_messages={"required": "確認コードを入力してください。"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_token(self) -> str:
        # Full-width digits and the spaces some apps show in the middle ("123 456").
        value = unicodedata.normalize("NFKC", self.cleaned_data["token"])
        value = "".join(value.split())
        if not (len(value) == 6 and value.isascii() and value.isdigit()):
            raise forms.ValidationError("確認コードは6桁の数字で入力してください。")
        return value


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (old password checked, validators applied) with Japanese labels."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "現在のパスワードが正しくありません。",
        "password_mismatch": "新しいパスワードが確認用と一致しません。",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "現在のパスワード"
        self.fields["new_password1"].label = "新しいパスワード"
        self.fields["new_password2"].label = "新しいパスワード（確認）"
        self.fields["old_password"].error_messages["required"] = (
            "現在のパスワードを入力してください。"
        )
        self.fields["new_password1"].error_messages["required"] = (
            "新しいパスワードを入力してください。"
        )
        self.fields["new_password2"].error_messages["required"] = (
            "確認のため、新しいパスワードをもう一度入力してください。"
        )
        self.fields["new_password1"].help_text = NEW_PHRASE_GUIDE
