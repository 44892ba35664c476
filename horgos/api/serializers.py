from rest_framework import serializers

from horgos.models import User


class UserSerializer(serializers.ModelSerializer):
    # A plain string, not format "email": a user may have none (an empty string).
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "is_active", "date_joined"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The secret: send it as `Authorization: Token <token>`. Shown this once.")
    expires_at = serializers.DateTimeField(allow_null=True)


class ReauthenticationSerializer(serializers.Serializer):
    """A fresh sign-in before a sensitive action (horgos.reauth): a caller with a personal token sends its password;
    a signed-in browser session confirms its password on the confirmation page instead."""

    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
