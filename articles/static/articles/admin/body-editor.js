// The article body editor: django-prose-editor's Tiptap extensions plus a photo node.
// A photo is stored as <figure data-image="KEY"></figure>; while editing it shows the
// library thumbnail with caption and credit. "Insert photo" opens a chooser; a photo file
// dropped or pasted into the text is uploaded to the library and placed where it landed.
import {
  Blockquote,
  Bold,
  BulletList,
  Document,
  Dropcursor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  Italic,
  Link,
  ListItem,
  Menu,
  Node,
  OrderedList,
  Paragraph,
  Plugin,
  Text,
  createMenuFromGroups,
  createTextareaEditor,
  initializeEditors,
} from "django-prose-editor/editor"

const MARKER = "data-django-prose-editor-newsroom"
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"]

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (name === "dataset") Object.assign(node.dataset, value)
    else if (name in node) node[name] = value
    else node.setAttribute(name, value)
  }
  node.append(...children.filter((child) => child !== null && child !== undefined))
  return node
}

// Photo descriptions by key, shared by every placed photo and the chooser.
const described = new Map()

async function describePhotos(config, keys) {
  const missing = keys.filter((key) => !described.has(key))
  if (missing.length) {
    const url = `${config.photos}?keys=${encodeURIComponent(missing.join(","))}`
    const response = await fetch(url, { credentials: "same-origin" })
    const data = response.ok ? await response.json() : { photos: [] }
    for (const photo of data.photos) described.set(photo.key, photo)
    for (const key of missing) if (!described.has(key)) described.set(key, null)
  }
  return keys.map((key) => described.get(key))
}

function photoCard(photo, key) {
  if (!photo) {
    return [
      element(
        "p",
        { className: "editor-photo__missing" },
        `This photo (${key}) is not in the library: remove it and insert another.`,
      ),
    ]
  }
  const picture = photo.thumbnail
    ? element("img", { src: photo.thumbnail, alt: photo.alt || "", className: "editor-photo__img" })
    : element("span", { className: "editor-photo__placeholder" }, "Photo still to come")
  const caption = element(
    "figcaption",
    {},
    photo.caption ? element("span", { className: "caption" }, photo.caption) : null,
    " ",
    photo.credit
      ? element("span", { className: "credit" }, `Photo: ${photo.credit}`)
      : element("span", { className: "credit credit--missing" }, "No credit yet"),
  )
  return [picture, caption]
}

async function uploadPhoto(config, file) {
  const body = new FormData()
  body.append("file", file)
  const response = await fetch(config.upload, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  })
  const data = await response.json().catch(() => ({ errors: ["The upload failed."] }))
  if (!response.ok) throw new Error((data.errors || ["The upload failed."]).join(" "))
  described.set(data.photo.key, data.photo)
  return data.photo
}

function reportUpload(message) {
  const textarea = document.querySelector(`[${MARKER}]`)
  const holder = textarea?.closest(".prose-editor")?.parentElement
  if (!holder) return
  let note = holder.querySelector(".editor-upload-status")
  if (!note) {
    note = element("p", { className: "editor-upload-status", role: "status" })
    holder.append(note)
  }
  note.textContent = message
}

const photoFiles = (list) => [...(list || [])].filter((file) => PHOTO_TYPES.includes(file.type))

export const NewsPhoto = Node.create({
  name: "newsPhoto",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { config: {} }
  },

  addAttributes() {
    return {
      key: {
        default: null,
        parseHTML: (node) => node.getAttribute("data-image"),
        renderHTML: (attributes) => ({ "data-image": attributes.key }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    const config = this.options.config
    return ({ node }) => {
      const dom = element("figure", {
        className: "editor-photo photo",
        dataset: { image: node.attrs.key },
        contentEditable: "false",
      })
      dom.append(element("span", { className: "editor-photo__loading" }, "Loading photo…"))
      describePhotos(config, [node.attrs.key]).then(([photo]) => {
        dom.replaceChildren(...photoCard(photo, node.attrs.key))
      })
      return { dom }
    }
  },

  addCommands() {
    return {
      insertPhoto:
        (key) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { key } }),
    }
  },

  addMenuItems({ menu }) {
    const config = this.options.config
    // Labelled in words, not only an icon: the one button every writer needs to find.
    const button = element(
      "span",
      { className: "prose-menubar__button editor-insert-photo", title: "Insert photo", role: "button" },
      element("span", { className: "material-icons", ariaHidden: "true" }, "add_photo_alternate"),
      element("span", { className: "editor-button-label" }, "Insert photo"),
    )
    menu.defineItem({
      name: "insertPhoto",
      groups: "photo",
      command: (editor) => openChooser(editor, config),
      button,
    })
  },

  addProseMirrorPlugins() {
    const config = this.options.config
    const editor = this.editor
    const place = async (files, position) => {
      for (const file of files) {
        reportUpload(`Uploading ${file.name}…`)
        try {
          const photo = await uploadPhoto(config, file)
          const at = position ?? editor.state.selection.to
          editor.chain().focus().insertContentAt(at, photoThenParagraph(photo.key)).run()
          reportUpload(`${file.name} is now in the library and in the text.`)
        } catch (error) {
          reportUpload(`${file.name} was not uploaded: ${error.message}`)
        }
      }
    }
    return [
      new Plugin({
        props: {
          handleDrop(view, event) {
            const files = photoFiles(event.dataTransfer?.files)
            if (!files.length) return false
            event.preventDefault()
            const spot = view.posAtCoords({ left: event.clientX, top: event.clientY })
            place(files, spot ? spot.pos : null)
            return true
          },
          handlePaste(_view, event) {
            const files = photoFiles(event.clipboardData?.files)
            if (!files.length) return false
            event.preventDefault()
            place(files, null)
            return true
          },
        },
      }),
    ]
  },
})

function openChooser(editor, config) {
  const search = element("input", {
    type: "search",
    className: "vTextField",
    placeholder: "Caption, credit or tag",
    ariaLabel: "Search the photo library",
  })
  const results = element("ul", { className: "photo-chooser__results", role: "list" })
  const status = element("p", { className: "photo-chooser__status", role: "status" })
  const close = element("button", { type: "button", className: "button" }, "Cancel")
  const dialog = element(
    "dialog",
    { className: "photo-chooser", ariaLabel: "Insert photo" },
    element("h2", {}, "Insert a photo from the library"),
    element("label", {}, "Search ", search),
    status,
    results,
    element("div", { className: "photo-chooser__actions" }, close),
  )
  const position = editor.state.selection.to
  let timer = null
  let asked = 0

  async function load() {
    const ask = ++asked
    status.textContent = "Searching…"
    const response = await fetch(`${config.photos}?q=${encodeURIComponent(search.value)}`, {
      credentials: "same-origin",
    })
    const data = response.ok ? await response.json() : { photos: [] }
    if (ask !== asked) return
    status.textContent = data.photos.length
      ? `${data.photos.length} photo(s)`
      : "No photo matches. Drop a photo file into the text to add one."
    results.replaceChildren(
      ...data.photos.map((photo) => {
        described.set(photo.key, photo)
        const choose = element(
          "button",
          { type: "button", className: "photo-chooser__choice", dataset: { key: photo.key } },
          ...photoCard(photo, photo.key),
        )
        choose.addEventListener("click", () => {
          editor.chain().focus().insertContentAt(position, photoThenParagraph(photo.key)).run()
          dialog.close()
        })
        return element("li", {}, choose)
      }),
    )
  }

  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault() // never submit the article form
  })
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
  load()
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(MARKER) || "{}")
  const editor = createTextareaEditor(textarea, [
    Document,
    Dropcursor,
    Gapcursor,
    Paragraph,
    HardBreak,
    Text,
    History,
    Bold,
    Italic,
    Link.configure({ openOnClick: false, enableTarget: false }),
    Heading.configure({ levels: [2, 3] }),
    Blockquote,
    BulletList,
    OrderedList,
    ListItem,
    NewsPhoto.configure({ config }),
    Menu.configure({
      items: createMenuFromGroups([
        { group: "blockType -lists", type: "dropdown", minItems: 2 },
        { group: "lists" },
        { group: "nodes -blockType -lists" },
        { group: "marks" },
        { group: "link" },
        { group: "photo" },
        { group: "history" },
      ]),
    }),
  ])
  editor.view.dom.classList.add("story__body")
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  )
  return editor
}

initializeEditors(createEditor, `[${MARKER}]`)


// A placed photo is followed by a paragraph, with the cursor in it, so the writer goes on
// typing below the photo instead of replacing it (an empty paragraph is dropped on save).
function photoThenParagraph(key) {
  return [{ type: "newsPhoto", attrs: { key } }, { type: "paragraph" }]
}
