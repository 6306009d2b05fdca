// "Also open by": the change page reports in every few seconds and says goodbye when it
// closes, so a colleague's name appears while they are here and disappears soon after.
(function () {
  "use strict";
  const box = document.querySelector(".others-here[data-presence-url]");
  if (!box) return;
  const url = box.dataset.presenceUrl;
  const every = Number(box.dataset.presenceSeconds || 10) * 1000;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  const names = box.querySelector(".others-names");

  function body(extra) {
    const form = new FormData();
    if (token) form.append("csrfmiddlewaretoken", token.value);
    if (extra) form.append(extra, "1");
    return form;
  }

  function show(others) {
    names.textContent = others.join(", ");
    box.hidden = others.length === 0;
  }

  function beat() {
    fetch(url, { method: "POST", body: body(), credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data) show(data.others); })
      .catch(() => {});
  }

  setInterval(beat, every);
  window.addEventListener("pagehide", () => navigator.sendBeacon(url, body("left")));
})();
