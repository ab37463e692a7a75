"""Password rules with Vietnamese messages (Django's translation of this one is missing)."""

from django.contrib.auth.password_validation import MinimumLengthValidator as BaseMinimumLength


class MinimumLengthValidator(BaseMinimumLength):
    def get_error_message(self):
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."
