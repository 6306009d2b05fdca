// The article form around the body editor: never lose work, and see the reader's page.
// - autosave of headline, standfirst and body to this browser (localStorage) a second after
//   each change, with recovery offered when the page is opened again after a closed tab;
// - a warning before leaving with unsaved changes;
// - Ctrl/Cmd+S = "Save and continue editing";
// - a live preview of the unsaved text in the readers' template, beside the editor.
;(() => {
  const FIELDS = ["headline", "standfirst", "body"]
  const storageKey = `newsroom:autosave:${location.pathname}`
  let editor = null
  let dirty = false
  let saveTimer = null
  let previewTimer = null

  document.addEventListener("prose-editor:ready", (event) => {
    editor = event.detail.editor
  })

  const form = () => document.getElementById("article_form")
  const field = (name) => form()?.elements.namedItem(name)
  const values = () => Object.fromEntries(FIELDS.map((name) => [name, field(name)?.value ?? ""]))
  const time = (stamp) => new Date(stamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })

  function readDraft() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || "null")
    } catch {
      return null
    }
  }

  function status(text) {
    let note = document.getElementById("autosave-status")
    if (!note) {
      note = document.createElement("p")
      note.id = "autosave-status"
      note.className = "autosave-status help"
      note.setAttribute("role", "status")
      document.querySelector(".field-body .prose-editor")?.after(note) // inside its column
    }
    note.textContent = text
  }

  // The version the text was written on: a restored draft saved over a newer version is
  // refused by the server's optimistic locking, with a link to what changed meanwhile.
  const version = () => field("version_seen")?.value ?? ""

  function autosave() {
    const draft = { ...values(), version: version(), savedAt: Date.now(), submitted: false }
    localStorage.setItem(storageKey, JSON.stringify(draft))
    status(`Autosaved in this browser at ${time(draft.savedAt)}. Save to keep it in Newsroom.`)
  }

  function changed() {
    dirty = true
    clearTimeout(saveTimer)
    saveTimer = setTimeout(autosave, 1000)
    schedulePreview()
  }

  function restore(draft) {
    for (const name of ["headline", "standfirst"]) {
      const input = field(name)
      if (input) input.value = draft[name]
    }
    if (editor) editor.commands.setContent(draft.body, { emitUpdate: true })
    else field("body").value = draft.body
    if (draft.version && field("version_seen")) field("version_seen").value = draft.version
    dirty = true
    schedulePreview()
  }

  function offerRecovery(draft) {
    const banner = document.createElement("div")
    banner.className = "autosave-recovery messagelist"
    banner.setAttribute("role", "alert")
    const text = document.createElement("p")
    text.textContent = `This page was left with unsaved text (autosaved at ${time(draft.savedAt)}).`
    const restoreButton = document.createElement("button")
    restoreButton.type = "button"
    restoreButton.className = "button default"
    restoreButton.textContent = "Restore the unsaved text"
    const discardButton = document.createElement("button")
    discardButton.type = "button"
    discardButton.className = "button"
    discardButton.textContent = "Discard it"
    restoreButton.addEventListener("click", () => {
      restore(draft)
      banner.remove()
    })
    discardButton.addEventListener("click", () => {
      localStorage.removeItem(storageKey)
      banner.remove()
    })
    banner.append(text, restoreButton, " ", discardButton)
    form().prepend(banner)
  }

  function checkForDraft() {
    const draft = readDraft()
    if (!draft) return
    const refused = document.querySelector(".errornote, .errorlist")
    if (draft.submitted) {
      // Sent to the server: kept only while the server refused it (the form shows it).
      if (!refused) localStorage.removeItem(storageKey)
      return
    }
    const now = values()
    if (FIELDS.some((name) => (draft[name] ?? "") !== now[name])) offerRecovery(draft)
    else localStorage.removeItem(storageKey)
  }

  // The live preview: the unsaved text rendered by the server with the readers' template.
  function previewPanel() {
    return document.getElementById("live-preview-frame")
  }

  function schedulePreview() {
    if (!previewPanel()) return
    clearTimeout(previewTimer)
    previewTimer = setTimeout(refreshPreview, 600)
  }

  async function refreshPreview() {
    const frame = previewPanel()
    const holder = document.getElementById("live-preview")
    const data = new FormData()
    for (const [name, value] of Object.entries(values())) data.append(name, value)
    data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken").value)
    const response = await fetch(holder.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
    })
    if (!response.ok) return
    const html = await response.text()
    const first = !holder.dataset.refreshedAt
    const scroll = frame.contentWindow?.scrollY || 0
    frame.addEventListener(
      "load",
      () => {
        // First view starts at the banner and the story, past the site's header. Scrolled
        // inside the frame only: scrollIntoView would also scroll the editor's own page.
        const banner = frame.contentDocument?.querySelector(".preview-banner")
        const top = first && banner ? banner.getBoundingClientRect().top : scroll
        frame.contentWindow?.scrollTo(0, top)
      },
      { once: true },
    )
    frame.srcdoc = html
    holder.dataset.refreshedAt = String(Date.now())
  }

  function buildPreview() {
    const holder = document.getElementById("live-preview")
    const editorBox = document.querySelector(".field-body .prose-editor")
    if (!holder || !editorBox) return
    const frame = document.createElement("iframe")
    frame.id = "live-preview-frame"
    frame.title = "Preview of the unsaved text, as readers will see it"
    frame.setAttribute("sandbox", "allow-same-origin")
    holder.append(frame)
    holder.hidden = false
    const pair = document.createElement("div")
    pair.className = "editor-with-preview"
    const column = document.createElement("div")
    column.className = "editor-column"
    editorBox.before(pair)
    column.append(editorBox)
    pair.append(column, holder)
    refreshPreview()
  }

  document.addEventListener("DOMContentLoaded", () => {
    const articleForm = form()
    if (!articleForm || !field("body")) return
    articleForm.addEventListener("input", (event) => {
      if (FIELDS.includes(event.target.name) || event.target.closest(".prose-editor")) changed()
    })
    articleForm.addEventListener("change", () => {
      dirty = true
    })
    articleForm.addEventListener("submit", () => {
      dirty = false
      clearTimeout(saveTimer)
      const draft = { ...values(), savedAt: Date.now(), submitted: true }
      localStorage.setItem(storageKey, JSON.stringify(draft))
    })
    window.addEventListener("beforeunload", (event) => {
      if (!dirty) return
      event.preventDefault()
      event.returnValue = ""
    })
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault()
        articleForm.querySelector("[name=_continue]")?.click()
      }
    })
    // The editor module starts after this script; wait for its box before building around it.
    const start = () => {
      buildPreview()
      checkForDraft()
    }
    if (document.querySelector(".field-body .prose-editor")) start()
    else document.addEventListener("prose-editor:ready", () => setTimeout(start), { once: true })
  })
})()
