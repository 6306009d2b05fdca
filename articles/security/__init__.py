"""Sign-in security: login throttling (django-axes), staff two-factor authentication
(django-otp) and the security log.

Imports point one way: ``events`` (the log) needs only the models; ``throttle`` and
``twofactor`` use ``events``; ``views`` and ``middleware`` sit on top. Other packages
call only ``articles.security.events.record_security_event``.
"""
