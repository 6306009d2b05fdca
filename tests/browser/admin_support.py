"""Helpers for browser tests that act as a person in the admin: log in through the form."""

PASSWORD = "a-long-browser-test-password"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")


def body_editor(page):
    """The body's editable area (ProseMirror), once the editor module has started."""
    editable = page.locator(".prose-editor .ProseMirror.story__body")
    editable.wait_for()
    return editable
