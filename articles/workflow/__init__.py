"""How an article travels from draft to reader: transitions, pre-publish checks, revisions,
roles, previews and share links, and the desk that lists what waits for whom.
"""
