// Byline order by drag and drop (or the Move up / Move down buttons, for the keyboard).
// The inline's position field is hidden; rows are numbered in their on-screen order when the
// form is sent, so nobody types position numbers.
;(() => {
  const group = () => document.getElementById("bylines-group")
  const rows = () => [...group().querySelectorAll("tbody tr.form-row:not(.empty-form)")]
  const position = (row) => row.querySelector("input[name$='-position']")
  const author = (row) => row.querySelector("select[name$='-author']")

  function renumber() {
    let next = 0
    for (const row of rows()) {
      const input = position(row)
      // Rows with no author stay untouched, so an empty extra row is still ignored.
      if (input && author(row)?.value) input.value = String(next++)
    }
  }

  function move(row, offset) {
    const all = rows()
    const target = all[all.indexOf(row) + offset]
    if (!target) return
    if (offset < 0) target.before(row)
    else target.after(row)
    renumber()
    row.querySelector(".byline-move")?.focus()
  }

  function equip(row) {
    if (row.dataset.orderable) return
    row.dataset.orderable = "true"
    row.draggable = true
    const cell = row.querySelector("td.field-author") || row.querySelector("td")
    const handle = document.createElement("span")
    handle.className = "byline-handle"
    handle.title = "Drag to change the order"
    handle.textContent = "⠿"
    const up = document.createElement("button")
    up.type = "button"
    up.className = "byline-move"
    up.textContent = "↑"
    up.setAttribute("aria-label", "Move up in the byline")
    up.addEventListener("click", () => move(row, -1))
    const down = document.createElement("button")
    down.type = "button"
    down.className = "byline-move"
    down.textContent = "↓"
    down.setAttribute("aria-label", "Move down in the byline")
    down.addEventListener("click", () => move(row, 1))
    cell.prepend(handle, up, down)
    row.addEventListener("dragstart", (event) => {
      row.classList.add("byline-dragging")
      event.dataTransfer.effectAllowed = "move"
      event.dataTransfer.setData("text/plain", row.id || "byline")
    })
    row.addEventListener("dragend", () => {
      row.classList.remove("byline-dragging")
      renumber()
    })
    row.addEventListener("dragover", (event) => {
      const dragged = group().querySelector(".byline-dragging")
      if (!dragged || dragged === row) return
      event.preventDefault()
      const box = row.getBoundingClientRect()
      if (event.clientY < box.top + box.height / 2) row.before(dragged)
      else row.after(dragged)
    })
    row.addEventListener("drop", (event) => {
      event.preventDefault()
      renumber()
    })
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!group()) return
    rows().forEach(equip)
    document.addEventListener("formset:added", (event) => {
      if (event.detail?.formsetName === "bylines") equip(event.target)
    })
    group().closest("form").addEventListener("submit", renumber)
  })
})()
