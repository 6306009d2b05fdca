// Focal point by clicking on the photo: the point that crops keep in view. Fills the
// focal point x/y fields (0..1 from the left and top edges) and marks the spot.
;(() => {
  function mark(frame, x, y) {
    let dot = frame.querySelector(".focal-marker")
    if (!dot) {
      dot = document.createElement("span")
      dot.className = "focal-marker"
      dot.setAttribute("aria-hidden", "true")
      frame.append(dot)
    }
    dot.style.left = `${x * 100}%`
    dot.style.top = `${y * 100}%`
  }

  document.addEventListener("DOMContentLoaded", () => {
    const photo = document.querySelector(".field-thumbnail img")
    const fieldX = document.getElementById("id_focal_x")
    const fieldY = document.getElementById("id_focal_y")
    if (!photo || !fieldX || !fieldY) return
    const frame = document.createElement("span")
    frame.className = "focal-frame"
    photo.before(frame)
    frame.append(photo)
    photo.classList.add("focal-photo")
    photo.title = "Click on what must stay in view when the photo is cropped"
    const hint = document.createElement("p")
    hint.className = "help focal-hint"
    hint.textContent = "Click on the photo to set its focal point: crops keep that spot in view."
    frame.after(hint)
    const x = Number.parseFloat(fieldX.value)
    const y = Number.parseFloat(fieldY.value)
    if (!Number.isNaN(x) && !Number.isNaN(y)) mark(frame, x, y)
    photo.addEventListener("click", (event) => {
      const box = photo.getBoundingClientRect()
      const at = (offset, size) => Math.min(1, Math.max(0, offset / size)).toFixed(3)
      fieldX.value = at(event.clientX - box.left, box.width)
      fieldY.value = at(event.clientY - box.top, box.height)
      mark(frame, Number(fieldX.value), Number(fieldY.value))
      hint.textContent = `Focal point set (${fieldX.value}, ${fieldY.value}). Save to keep it.`
    })
  })
})()
