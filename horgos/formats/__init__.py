"""Date, time and number formats of the site's four languages (settings.FORMAT_MODULE_PATH), one per language and
all on a 24-hour clock: officers on both sides of the border read the same times.

Django has no formats for Kazakh (it would show US month-first dates with a.m./p.m.), writes "г." after a Russian
date (a sentence after it ends in "г.."), and gives English month-first short dates; what is set here comes before
Django's own formats, which fill in anything not named.
"""
