"""The annual cooperation report (issue 10 item 3): one customer's year — goals and how each
went, NPS of the three respondent groups and coping better, health percentage and its trend, the
work-health matrix, the economic impact, steering-group decisions and action items — as an HTML
page and a PDF rendered by the project (WeasyPrint), charts drawn as SVG on the server.

It lives in portal because it needs both apps. A customer's decision-makers get the same report
with employee figures only as surveys/publishable.py publishes them."""
