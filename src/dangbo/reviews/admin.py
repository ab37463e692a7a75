"""Configuration screens: criteria sets (dated) and periods of excuse / suspension."""

from django.contrib import admin

from dangbo.reviews.models import Absence, CriteriaSet, Criterion


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "valid_from", "source"]
    list_filter = ["subject"]
    inlines = [CriterionInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "valid_from", "valid_to", "decision_number"]
    list_filter = ["kind"]
    raw_id_fields = ["member"]
