from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # The cooperation pages show goals' current values; computing NPS needs surveys, which
        # only the portal may combine with cooperation.
        from cooperation.goal_values import goal_value_source_register
        from portal.indicators import goal_indicator_values

        goal_value_source_register(goal_indicator_values)

        from cooperation.meeting_pack_sections import meeting_pack_section_register
        from portal.questionnaire_views import questionnaire_meeting_pack_section

        meeting_pack_section_register(questionnaire_meeting_pack_section)
