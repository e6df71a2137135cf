/* Carnet — record pages: the copy button next to a record's id (no dependency, no
   network). The button stays hidden without JavaScript; the id is selectable text. */
(function () {
  "use strict";
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return fallback(text);
  }
  function setup() {
    document.querySelectorAll("button.carnet-copy[data-carnet-copy]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      var label = "Copier";  /* set here: no button text in the search index */
      button.textContent = label;
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button.getAttribute("data-carnet-copy")).then(function () {
          button.textContent = "Copié";
          button.classList.add("carnet-copied");
        }, function () {
          button.textContent = "Copie impossible : sélectionnez l'ID";
        }).then(function () {
          setTimeout(function () {
            button.textContent = label;
            button.classList.remove("carnet-copied");
          }, 2000);
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
