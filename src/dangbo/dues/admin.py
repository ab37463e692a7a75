from django.contrib import admin

from dangbo.dues.models import DuesRate, RegionalMinimumWage, RemittanceRule

admin.site.register(DuesRate)
admin.site.register(RegionalMinimumWage)
admin.site.register(RemittanceRule)
