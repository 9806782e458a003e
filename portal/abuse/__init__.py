"""Abuse limits that hold across processes (issue 12, item 8).

`counters` keeps fixed-window counts in the database (registrations per client address, mails per
address they go to and per client address), `login_throttle` holds back log-ins to one account
after repeated failures with growing delays, and `limiter` keeps Flask-Limiter's per-address limits
working from memory when Redis is away. Limits kept in memory (Flask-Limiter with `memory://`)
count per process: with two workers, 10 per minute lets up to 20 through; the database ones do not.
"""
