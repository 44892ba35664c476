from rest_framework import serializers

from horgos.models import User


class UserSerializer(serializers.ModelSerializer):
    # A plain string, not format "email": a user may have none (an empty string).
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "is_active", "date_joined"]
        read_only_fields = fields
