"""Library photos: upload validation, metadata prefill and the rendition pipeline that
readers (and the admin) get photos through.
"""
