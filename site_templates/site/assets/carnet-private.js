/* Carnet internal site: the « Projets privés » sections, sealed for each private
   project's members (generator/extranet/sections.py). A member unlocks once per tab,
   with their user id (or e-mail) and their own password: the browser derives their own
   key exactly as the sealed areas' lock screen does (carnet-extranet.js: PBKDF2-SHA256
   of the password, salted with the site's salt, a zero byte and the identifier), keeps
   it in this tab's sessionStorage under the same name (so the areas then open without a
   prompt, and an area unlocked first opens these sections), opens the slots of
   prive/cles.js (the same as prive/cles.json) that it can (each holds one project key and its area's folder), and
   decrypts the page's blobs that one of those keys opens. A non-member opens no slot
   and sees nothing. The password never leaves the page; no request but to this site. */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".carnet-private"));
  if (!boxes.length || !window.crypto || !crypto.subtle) return;
  var first = boxes[0];
  var kdf = first.getAttribute("data-carnet-kdf").split(":");
  var root = first.getAttribute("data-carnet-root") || "";
  var saltText = kdf[0], iterations = parseInt(kdf[1], 10);
  var OWN = "carnet-extranet-own:" + saltText;
  var KEYS = "carnet-private-keys:" + saltText;
  var encoder = new TextEncoder(), decoder = new TextDecoder();

  function fromB64(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function toB64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }
  function aesKey(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, true, ["decrypt"]);
  }
  function decrypt(key, blob, data) {
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: blob.subarray(0, 12), additionalData: encoder.encode(data) }, key, blob.subarray(12));
  }
  function ownKey(password, identifier) {
    var salt = fromB64(saltText);
    var who = encoder.encode(identifier.trim().normalize("NFC").toLowerCase());
    var salted = new Uint8Array(salt.length + 1 + who.length);
    salted.set(salt, 0);
    salted.set(who, salt.length + 1);
    return crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({ name: "PBKDF2", salt: salted, iterations: iterations, hash: "SHA-256" },
        base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
    });
  }
  /* The site's slots, from prive/cles.js: a script, not a fetch of prive/cles.json, so
     that a site opened from the disk (file://, where browsers refuse fetch) unlocks too. */
  function siteSlots() {
    if (window.carnetPrivateSlots) return Promise.resolve(window.carnetPrivateSlots);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root + "prive/cles.js";
      script.onload = function () {
        if (window.carnetPrivateSlots) resolve(window.carnetPrivateSlots);
        else reject(new Error("no slots"));
      };
      script.onerror = function () { reject(new Error("prive/cles.js unreadable")); };
      document.head.appendChild(script);
    });
  }
  /* The project keys (and areas' folders) that an own key opens among the site's slots. */
  function openSlots(own) {
    return siteSlots().then(function (slots) {
      return Promise.all(slots.map(function (slot) {
        return decrypt(own, fromB64(slot), "carnet-extranet/wrap/private").then(function (plain) {
          var facts = JSON.parse(decoder.decode(new Uint8Array(plain, 32)));
          return { k: toB64(new Uint8Array(plain, 0, 32)), f: facts.f, t: facts.t };
        }, function () { return null; });
      }));
    }).then(function (opened) { return opened.filter(Boolean); });
  }
  function storedKeys() {
    var stored = sessionStorage.getItem(KEYS);
    if (stored) return Promise.resolve(JSON.parse(stored));
    var own = sessionStorage.getItem(OWN);
    if (!own) return Promise.resolve(null);
    return aesKey(fromB64(own)).then(openSlots).then(function (keys) {
      if (keys.length) sessionStorage.setItem(KEYS, JSON.stringify(keys));
      return keys;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function lock() {
    sessionStorage.removeItem(KEYS);
    sessionStorage.removeItem(OWN);
    location.reload();
  }

  /* Each box: its blobs, decrypted by whichever unlocked key opens them. */
  function reveal(keys) {
    return Promise.all(keys.map(function (k) { return aesKey(fromB64(k.k)); })).then(function (imported) {
      return Promise.all(boxes.map(function (box) {
        var page = box.getAttribute("data-carnet-page");
        var blobs = Array.prototype.slice.call(box.querySelectorAll("[data-carnet-sealed]"));
        return Promise.all(blobs.map(function (node) {
          var blob = fromB64(node.getAttribute("data-carnet-sealed"));
          return Promise.all(imported.map(function (key) {
            return decrypt(key, blob, "carnet-private/section/" + page).then(function (plain) {
              return decoder.decode(plain);
            }, function () { return null; });
          })).then(function (found) {
            var html = found.filter(Boolean)[0];
            if (html) { node.innerHTML = html; node.className = "carnet-private__lines"; }
            return Boolean(html);
          });
        })).then(function (shown) {
          var any = shown.some(Boolean);
          var search = box.hasAttribute("data-carnet-search");
          if (!any && !search) return;
          var heading = element("h2", "carnet-private__title", search ? "Mes projets privés" : "Projets privés");
          box.insertBefore(heading, box.firstChild);
          if (search) {
            var mine = element("ul", "carnet-private__mine");
            keys.slice().sort(function (a, b) { return (a.t || "").localeCompare(b.t || ""); }).forEach(function (k) {
              var item = element("li"), link = element("a", "", k.t || k.f);
              link.href = root + k.f + "/index.html";
              item.appendChild(link);
              mine.appendChild(item);
            });
            box.appendChild(mine);
            box.appendChild(searchBox(keys, imported));
          }
          var out = element("p", "carnet-private__lock");
          var link = element("a", "", "Verrouiller mes projets privés");
          link.href = "#";
          link.addEventListener("click", function (event) { event.preventDefault(); lock(); });
          out.appendChild(link);
          box.appendChild(out);
          box.hidden = false;
        });
      }));
    }).then(function () { document.documentElement.setAttribute("data-carnet-private", "open"); });
  }

  /* « Projets privés »: search in the unlocked areas' sealed indexes. */
  function loadIndexes(keys, imported) {
    return Promise.all(keys.map(function (k, n) {
      var base = root + k.f + "/";
      return fetch(base + "index.html", { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var build = doc.querySelector('meta[name="carnet-kdf"]').getAttribute("content").split(":")[2];
        var search = doc.querySelector('meta[name="carnet-search"]').getAttribute("content");
        return fetch(base + search, { credentials: "same-origin" }).then(function (r) { return r.arrayBuffer(); }).then(function (buffer) {
          return decrypt(imported[n], new Uint8Array(buffer), "carnet-extranet/search/" + build);
        }).then(function (plain) {
          return JSON.parse(decoder.decode(plain)).map(function (e) {
            e.href = base + e.u;
            e.title = fold(e.t);
            e.all = e.title + " " + fold(e.x);
            return e;
          });
        });
      }).catch(function () { return []; });
    })).then(function (lists) { return [].concat.apply([], lists); });
  }
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function searchBox(keys, imported) {
    var form = element("form", "carnet-private__search");
    form.setAttribute("role", "search");
    var input = element("input");
    input.type = "search";
    input.placeholder = "Rechercher dans mes projets privés";
    input.setAttribute("aria-label", "Rechercher dans mes projets privés");
    var list = element("ul", "carnet-private__results");
    list.setAttribute("aria-live", "polite");
    form.appendChild(input);
    form.appendChild(list);
    var index = null;
    function run() {
      var query = input.value;
      index = index || loadIndexes(keys, imported);
      index.then(function (entries) {
        if (input.value !== query) return;
        var words = fold(query).split(/\s+/).filter(Boolean);
        list.textContent = "";
        if (!words.length) return;
        function inTitle(e) { return words.every(function (w) { return e.title.indexOf(w) >= 0; }) ? 0 : 1; }
        var hits = entries.filter(function (e) {
          return words.every(function (w) { return e.all.indexOf(w) >= 0; });
        });
        hits.sort(function (a, b) { return inTitle(a) - inTitle(b); });
        hits = hits.slice(0, 20);
        if (!hits.length) list.appendChild(element("li", "", "Aucun résultat."));
        hits.forEach(function (e) {
          var item = element("li");
          var link = element("a", "", e.t);
          link.href = e.href;
          item.appendChild(link);
          if (e.p && e.p !== e.t) item.appendChild(element("span", "carnet-private__page", " — " + e.p));
          list.appendChild(item);
        });
      });
    }
    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    return form;
  }

  /* The one unlock control: a discreet link, then a small form (identifier, password). */
  function offerUnlock() {
    var box = first;
    var para = element("p", "carnet-private__unlock");
    var link = element("a", "", "Déverrouiller mes projets privés");
    link.href = "#";
    para.appendChild(link);
    box.insertBefore(para, box.firstChild);
    box.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      link.hidden = true;
      var form = element("form", "carnet-private__form");
      form.innerHTML = '<label>Identifiant <input name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required></label>' +
        '<label>Mot de passe <input name="password" type="password" autocomplete="current-password" required></label>' +
        '<button type="submit">Déverrouiller</button><span class="carnet-private__message" role="alert"></span>';
      para.appendChild(form);
      form.elements.username.focus();
      form.addEventListener("submit", function (submitted) {
        submitted.preventDefault();
        var say = form.querySelector(".carnet-private__message");
        var button = form.querySelector("button");
        button.disabled = true;
        say.textContent = "Déchiffrement…";
        var own;
        ownKey(form.elements.password.value, form.elements.username.value).then(function (key) {
          own = key;
          return openSlots(key);
        }).then(function (keys) {
          button.disabled = false;
          if (!keys.length) {
            say.textContent = "Aucun projet privé ne s'ouvre avec cet identifiant et ce mot de passe.";
            return;
          }
          return crypto.subtle.exportKey("raw", own).then(function (raw) {
            sessionStorage.setItem(OWN, toB64(raw));
            sessionStorage.setItem(KEYS, JSON.stringify(keys));
            para.parentNode.removeChild(para);
            return reveal(keys);
          });
        }).catch(function () {
          button.disabled = false;
          say.textContent = "Déverrouillage impossible (fichier des clés illisible ?).";
        });
      });
    });
  }

  storedKeys().then(function (keys) {
    if (keys && keys.length) return reveal(keys);
    offerUnlock();
  }, offerUnlock);
})();
