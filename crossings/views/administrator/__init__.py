"""The administrators' operational pages, by subject: lanes, opening hours and closures, the watchlist, users and
their checkpoints, alert review.

Every page and every POST is for administrators only (anonymous visitors go to the login page, other
roles get 403). Views parse the input, call one service or selector and render; a service's ValidationError
is shown on the form (or as a message for a button).
"""
