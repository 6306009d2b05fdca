"""The photo desk sets a photo's focal point by clicking on it in the image admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.browser.admin_support import log_in, with_password
from tests.factories import jpeg_bytes, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo():
    photo = make_image(caption="Crowds on the bridge", with_file=False)
    photo.file = SimpleUploadedFile("crowd.jpg", jpeg_bytes(width=400, height=300))
    photo.is_placeholder = False
    photo.save()
    return photo


def click_focal_point(page, live_server, photo_desk, photo):
    log_in(page, live_server, with_password(photo_desk))
    page.goto(f"{live_server.url}/admin/articles/image/{photo.pk}/change/")
    picture = page.locator(".field-thumbnail img.focal-photo")
    picture.wait_for()
    page.wait_for_function("document.querySelector('.focal-photo').naturalWidth > 0")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})


def test_photo_desk_clicks_on_the_photo_to_set_its_focal_point(
    live_server, page, photo_desk, photo
):
    click_focal_point(page, live_server, photo_desk, photo)
    assert abs(float(page.get_by_label("Focal point x").input_value()) - 0.75) < 0.02
    assert abs(float(page.get_by_label("Focal point y").input_value()) - 0.25) < 0.02
    assert page.locator(".focal-marker").is_visible()
    assert "Focal point set" in page.locator(".focal-hint").inner_text()


def test_the_clicked_focal_point_is_saved(live_server, page, photo_desk, photo):
    click_focal_point(page, live_server, photo_desk, photo)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist .success")
    photo.refresh_from_db()
    assert abs(photo.focal_x - 0.75) < 0.02 and abs(photo.focal_y - 0.25) < 0.02
