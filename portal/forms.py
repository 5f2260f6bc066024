from django import forms

from portal.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "job_title", "time_zone"]
        help_texts = {
            "display_name": "How other members see you. Leave blank to use your email name.",
            "time_zone": "Digests and dates are shown in this time zone.",
        }
