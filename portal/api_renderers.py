"""The API's browsable HTML pages."""

from rest_framework.renderers import BrowsableAPIRenderer


class BrowsableAPIWithoutForms(BrowsableAPIRenderer):
    """DRF's browsable API without its HTML forms and its filter form: their drop-downs list
    every object of a related model (every customer, every employee) whatever the user may read.
    The raw JSON form stays; it shows only what the answer itself shows."""

    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_filter_form(self, data, view, request):
        return None

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        # Pygments' CSS for highlighted code in view descriptions comes as an inline <style>,
        # which the Content-Security-Policy blocks; our descriptions have no code blocks.
        context["code_style"] = None
        return context
