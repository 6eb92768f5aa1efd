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
