/* Carnet extranet: one password per tab, pages decrypted in the browser (WebCrypto).
   PBKDF2-HMAC-SHA256 derives an AES-256-GCM key; only the derived key (never the
   password) is kept, in this tab's sessionStorage. Requests go to this site only:
   the sealed search index and attachments, fetched after unlock and decrypted here.
   Every ciphertext is bound (GCM additionalData) to this build and to its page's
   address or its file's path: a payload moved elsewhere does not decrypt. Shown inside
   a frame, the extranet refuses to open (clickjacking; a meta CSP cannot forbid it).
   Performance marks (carnet-derive…) let bench/extranet_bench.py time each step. */
(function () {
  "use strict";
  var STORE = "carnet-extranet-key";
  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/carnet-extranet\.js(\?.*)?$/, "") : "";
  var meta = document.querySelector('meta[name="carnet-kdf"]');
  var searchMeta = document.querySelector('meta[name="carnet-search"]');
  /* With extranet.people: the site key wrapped once per person and identifier, no name. */
  var peopleMeta = document.querySelector('meta[name="carnet-people"]');
  var payload = document.getElementById("carnet-payload");
  var form = document.getElementById("carnet-unlock");
  var message = document.getElementById("carnet-message");
  if (!meta || !payload) return;
  var parts = meta.getAttribute("content").split(":");
  var salt = fromB64(parts[0]);
  var iterations = parseInt(parts[1], 10);
  var build = parts[2] || "";
  var storeKey = STORE + ":" + parts[0] + ":" + (parts[2] || "");
  /* A person's own key, for every sealed area of one build's salt (private projects of
     the internal site: one unlock per tab opens each area the person belongs to). */
  var ownStore = "carnet-extranet-own:" + parts[0];
  var siteKey = null;
  var encoder = new TextEncoder();

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
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }
  /* kind: "error" (the default) or "busy", for the lock screen's style. */
  function say(text, kind) {
    if (!message) return;
    message.textContent = text;
    message.setAttribute("data-kind", kind || "error");
    message.hidden = false;
  }

  if (window.top !== window.self) {
    if (form) form.hidden = true;
    say("Cet extranet ne s'affiche pas dans le cadre d'une autre page\u00a0: ouvrez-le dans son propre onglet.");
    return;
  }

  /* This page's path below the extranet (index.html, p….html), from its address: a
     payload sealed for another page fails to decrypt here. Hosts that serve
     « p1 » for « p1.html » or « / » for « index.html » give the same name. */
  function pageName() {
    if (payload.getAttribute("data-carnet-page") === "404.html") return "404.html";
    var base = root ? new URL(root, location.href).pathname : "";
    var path = location.pathname;
    var name = base && path.indexOf(base) === 0 ? path.slice(base.length) : path.replace(/^.*\//, "");
    try { name = decodeURIComponent(name); } catch (e) { /* keep it as it is */ }
    if (name === "" || name.slice(-1) === "/") return name + "index.html";
    return /\.html$/.test(name) ? name : name + ".html";
  }
  function aad(text) { return encoder.encode("carnet-extranet/" + text); }

  function pbkdf2(password, saltBytes) {
    return crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return crypto.subtle.deriveKey(
          { name: "PBKDF2", salt: saltBytes, iterations: iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
      });
  }
  /* One shared password: the site key itself. With people: the person's own key (salted
     with the build's salt, a zero byte and their identifier) opens one of the slots,
     which holds the site key and the person's id (kept for proposals). */
  var openedSlot = "";
  function unwrap(own) {
    var slots = peopleMeta.getAttribute("content").split(" ").filter(Boolean).map(fromB64);
    var tries = slots.map(function (slot) {
      return decryptBytes(own, slot, aad("wrap/" + build)).then(function (plain) { return plain; }, function () { return null; });
    });
    return Promise.all(tries).then(function (opened) {
      var index = opened.findIndex(Boolean), plain = opened[index];
      if (!plain) throw new Error("no slot");
      openedSlot = toB64(slots[index]);
      sessionStorage.setItem(storeKey + ":person", new TextDecoder().decode(new Uint8Array(plain, 32)));
      return crypto.subtle.importKey("raw", new Uint8Array(plain, 0, 32), { name: "AES-GCM" }, true, ["encrypt", "decrypt"]);
    });
  }
  function derive(password, identifier) {
    if (!peopleMeta) return pbkdf2(password, salt);
    var who = encoder.encode(identifier.trim().normalize("NFC").toLowerCase());
    var salted = new Uint8Array(salt.length + 1 + who.length);
    salted.set(salt, 0);
    salted.set(who, salt.length + 1);
    return pbkdf2(password, salted).then(function (own) {
      return unwrap(own).then(function (key) {
        return crypto.subtle.exportKey("raw", own).then(function (raw) {
          sessionStorage.setItem(ownStore, toB64(raw));
          sessionStorage.setItem(storeKey + ":who", JSON.stringify({ identifier: identifier.trim(), slot: openedSlot }));
          return key;
        });
      });
    });
  }
  function decryptBytes(key, blob, data) {
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: blob.subarray(0, 12), additionalData: data }, key, blob.subarray(12));
  }
  function decrypt(key, blob, data) {
    return decryptBytes(key, blob, data).then(function (plain) { return new TextDecoder().decode(plain); });
  }
  function fetchSealed(path, data) {
    return fetch(root + path, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer();
    }).then(function (buffer) { return decryptBytes(siteKey, new Uint8Array(buffer), data); });
  }

  /* Attachments: nonce || AES-GCM(header length (4 bytes) || JSON {name, type} || bytes). */
  function openAttachment(link) {
    link.setAttribute("aria-busy", "true");
    var blob = link.getAttribute("data-carnet-blob");
    return fetchSealed(blob, aad("file/" + build + "/" + blob)).then(function (plain) {
      var size = new DataView(plain).getUint32(0);
      var header = JSON.parse(new TextDecoder().decode(new Uint8Array(plain, 4, size)));
      var file = new Blob([new Uint8Array(plain, 4 + size)], { type: header.type });
      link.href = URL.createObjectURL(file);
      link.download = header.name;
      link.setAttribute("data-carnet-ready", "1");
      link.removeAttribute("aria-busy");
      link.click();
    }).catch(function () {
      link.removeAttribute("aria-busy");
      link.textContent += " — illisible (fichier modifié ?)";
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-carnet-blob]") : null;
    if (!link || link.hasAttribute("data-carnet-ready") || !siteKey) return;
    event.preventDefault();
    if (!link.hasAttribute("aria-busy")) openAttachment(link);
  });

  /* Search: the sealed index [{t: title, p: page, u: url, x: text}], decrypted once. */
  var index = null;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function loadIndex() {
    if (!index) {
      index = fetchSealed(searchMeta.getAttribute("content"), aad("search/" + build)).then(function (plain) {
        return JSON.parse(new TextDecoder().decode(plain)).map(function (entry) {
          entry.title = fold(entry.t);
          entry.all = entry.title + " " + fold(entry.x);
          return entry;
        });
      });
      index.catch(function () { index = null; });
    }
    return index;
  }
  function find(entries, query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var hits = entries.filter(function (e) {
      return words.every(function (w) { return e.all.indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) {
      var ta = words.every(function (w) { return a.title.indexOf(w) >= 0; }) ? 0 : 1;
      var tb = words.every(function (w) { return b.title.indexOf(w) >= 0; }) ? 0 : 1;
      return ta - tb;
    });
    return hits.slice(0, 20);
  }
  function showResults(list, hits, query, failed) {
    list.textContent = "";
    if (!query.trim()) { list.hidden = true; return; }
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = failed ? "Recherche indisponible : l'index est illisible (fichier modifié ?)." : "Aucun résultat.";
      list.appendChild(none);
    }
    hits.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + e.u;
      link.textContent = e.t;
      item.appendChild(link);
      if (e.p && e.p !== e.t) {
        var where = document.createElement("span");
        where.className = "carnet-search__page";
        where.textContent = " — " + e.p;
        item.appendChild(where);
      }
      list.appendChild(item);
    });
    list.hidden = false;
  }
  function addSearch() {
    if (!searchMeta) return null;
    var box = document.createElement("form");
    box.className = "carnet-search";
    box.setAttribute("role", "search");
    var label = document.createElement("label");
    var hint = document.createElement("span");
    hint.className = "carnet-visually-hidden";
    hint.textContent = "Rechercher";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Rechercher";
    input.autocomplete = "off";
    label.appendChild(hint);
    label.appendChild(input);
    var list = document.createElement("ul");
    list.className = "carnet-search__results";
    list.setAttribute("aria-live", "polite");
    list.hidden = true;
    box.appendChild(label);
    box.appendChild(list);
    function run() {
      var query = input.value;
      loadIndex().then(function (entries) {
        if (input.value === query) showResults(list, find(entries, query), query);
      }, function () { showResults(list, [], query, true); });
    }
    input.addEventListener("input", run);
    input.addEventListener("focus", loadIndex);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    return box;
  }

  /* The extranet's own bar, above whatever the theme draws and in the page's flow (it
     scrolls away with the page: it never covers content, on a phone either): the
     search box and « Se déconnecter ». No class name of the theme is relied on. */
  function addBar(firm, logo) {
    var bar = document.createElement("div");
    bar.className = "carnet-bar";
    if (firm || logo) {
      var brand = document.createElement("span");
      brand.className = "carnet-bar__firm";
      if (logo) {
        var image = document.createElement("img");
        image.src = logo;
        image.alt = "";
        brand.appendChild(image);
      }
      brand.appendChild(document.createTextNode(firm));
      bar.appendChild(brand);
    }
    var search = addSearch();
    if (search) bar.appendChild(search);
    var logout = document.createElement("button");
    logout.id = "carnet-logout";
    logout.type = "button";
    logout.textContent = "Se déconnecter";
    logout.addEventListener("click", function () {
      sessionStorage.removeItem(storeKey);
      sessionStorage.removeItem(storeKey + ":person");
      sessionStorage.removeItem(storeKey + ":who");
      sessionStorage.removeItem(ownStore);
      location.reload();
    });
    bar.appendChild(logout);
    document.body.insertBefore(bar, document.body.firstChild);
  }

  /* Proposals (extranet.proposals): each card of a shared deal offers « Proposer une
     modification », each page « Proposer une nouvelle affaire ». The page builds a
     proposal file: the proposal's JSON and its HMAC under a key derived (HKDF) from the
     person's own key, sealed with the site key, with what the firm needs to check it
     (salt, identifier, the slot it opened). No server: a download, or an e-mail. */
  function proposalFile(proposal) {
    var who = JSON.parse(sessionStorage.getItem(storeKey + ":who") || "null");
    var own = sessionStorage.getItem(ownStore);
    if (!who || !own || !siteKey) return Promise.reject(new Error("no key"));
    var text = JSON.stringify(proposal);
    return crypto.subtle.importKey("raw", fromB64(own), "HKDF", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("carnet-proposal") },
        base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]);
    }).then(function (key) {
      return crypto.subtle.sign("HMAC", key, encoder.encode(text));
    }).then(function (mac) {
      var body = encoder.encode(JSON.stringify({ p: text, mac: toB64(mac) }));
      var iv = crypto.getRandomValues(new Uint8Array(12));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad("proposal/" + build) }, siteKey, body)
        .then(function (sealed) {
          var blob = new Uint8Array(12 + sealed.byteLength);
          blob.set(iv, 0);
          blob.set(new Uint8Array(sealed), 12);
          return JSON.stringify({ carnet: "carnet-proposal/1", build: build, salt: parts[0], iterations: iterations,
            identifier: who.identifier, slot: who.slot, sealed: toB64(blob) }, null, 1);
        });
    });
  }
  var FIELD_LABELS = { type: "Étape", next_step: "Étape suivante", date: "Date", budget: "Montant", note: "Note", subject: "Sujet" };
  function field(form, name, value, config, kind) {
    var label = document.createElement("label");
    label.textContent = FIELD_LABELS[name] || name;
    var input;
    if (name === "type" && config.kinds[kind]) {
      input = document.createElement("select");
      config.kinds[kind].stages.forEach(function (stage) {
        var option = document.createElement("option");
        option.value = option.textContent = stage;
        input.appendChild(option);
      });
    } else if (name === "note") {
      input = document.createElement("textarea");
    } else {
      input = document.createElement("input");
      input.type = name === "date" ? "date" : "text";
    }
    input.name = name;
    input.value = value || "";
    label.appendChild(input);
    form.appendChild(label);
  }
  function proposalForm(title, config, kind, values, done) {
    var box = document.createElement("details");
    box.className = "carnet-propose";
    var summary = document.createElement("summary");
    summary.textContent = title;
    box.appendChild(summary);
    var form = document.createElement("form");
    if (kind === null) {
      var label = document.createElement("label");
      label.textContent = "Nature";
      var select = document.createElement("select");
      select.name = "kind";
      Object.keys(config.kinds).forEach(function (k) {
        var option = document.createElement("option");
        option.value = k;
        option.textContent = config.kinds[k].label;
        select.appendChild(option);
      });
      label.appendChild(select);
      form.appendChild(label);
      field(form, "subject", "", config, null);
    }
    config.editable.forEach(function (name) {
      if (name === "budget" && kind !== null && config.hidden_budgets.indexOf(kind) >= 0) return;
      if (name === "budget" && kind !== null && !(name in values)) return;
      if (name === "type" && kind === null) return;
      field(form, name, values[name], config, kind);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Préparer la proposition";
    form.appendChild(button);
    var out = document.createElement("p");
    out.className = "carnet-propose__result";
    form.appendChild(out);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var changes = {};
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name && e.name !== "kind" && (values[e.name] || "") !== e.value) changes[e.name] = e.value;
      });
      if (!Object.keys(changes).length) { out.textContent = "Aucun changement."; return; }
      done(changes, form.elements.kind ? form.elements.kind.value : kind).then(function (file) {
        var person = sessionStorage.getItem(storeKey + ":person") || "proposition";
        var name = "proposition-" + person + "-" + new Date().toISOString().slice(0, 10) + ".json";
        out.textContent = "";
        var link = document.createElement("a");
        link.className = "carnet-propose__file";
        link.href = URL.createObjectURL(new Blob([file], { type: "application/json" }));
        link.download = name;
        link.textContent = "Télécharger la proposition (" + name + ")";
        out.appendChild(link);
        if (config.email) {
          var mail = document.createElement("a");
          mail.href = "mailto:" + config.email + "?subject=" + encodeURIComponent("Proposition " + name) +
            "&body=" + encodeURIComponent(file);
          mail.textContent = "Envoyer par e-mail";
          out.appendChild(document.createTextNode(" · "));
          out.appendChild(mail);
        }
      }, function () { out.textContent = "Proposition impossible : reconnectez-vous."; });
    });
    box.appendChild(form);
    return box;
  }
  function addProposals() {
    var data = document.getElementById("carnet-proposals");
    if (!data) return;
    var config = JSON.parse(data.textContent);
    var person = sessionStorage.getItem(storeKey + ":person");
    function proposal(record, kind, base, changes) {
      return proposalFile({ v: 1, project: config.project, person: person, record: record, kind: record ? null : kind,
        base: base, changes: changes, created: new Date().toISOString(),
        nonce: toB64(crypto.getRandomValues(new Uint8Array(12))).replace(/[^A-Za-z0-9]/g, "") });
    }
    document.querySelectorAll("article[data-carnet-record]").forEach(function (card) {
      var values = JSON.parse(card.getAttribute("data-carnet-values"));
      var record = card.getAttribute("data-carnet-record"), base = card.getAttribute("data-carnet-base");
      card.appendChild(proposalForm("Proposer une modification", config, card.getAttribute("data-carnet-kind"), values,
        function (changes) { return proposal(record, null, base, changes); }));
    });
    var title = document.querySelector("h1");
    if (title) title.parentNode.insertBefore(proposalForm("Proposer une nouvelle affaire", config, null, {},
      function (changes, kind) { return proposal(null, kind, null, changes); }), title.nextSibling);
  }

  /* innerHTML leaves scripts inert: re-create the page's own (the policy decides which
     inline ones run; an external one must be one of the extranet's assets). */
  function runScripts(rootNode) {
    var scripts = Array.prototype.slice.call(rootNode.querySelectorAll("script"));
    var chain = Promise.resolve();
    scripts.forEach(function (old) {
      if (old.src && (!root || old.src.indexOf(root + "assets/") !== 0)) {
        old.parentNode.removeChild(old);
        return;
      }
      chain = chain.then(function () {
        return new Promise(function (done) {
          var fresh = document.createElement("script");
          Array.prototype.forEach.call(old.attributes, function (a) { fresh.setAttribute(a.name, a.value); });
          if (old.src) { fresh.onload = fresh.onerror = done; } else { fresh.textContent = old.textContent; }
          old.parentNode.replaceChild(fresh, old);
          if (!old.src) done();
        });
      });
    });
    return chain;
  }
  function show(html) {
    var firm = document.querySelector(".carnet-lock__firm");
    var logo = document.querySelector(".carnet-lock__logo");
    var firmName = firm ? firm.textContent : "", logoSrc = logo ? logo.getAttribute("src") : "";
    document.body.innerHTML = html;
    addBar(firmName, logoSrc);
    mark("carnet-shown");
    return runScripts(document.body).then(function () {
      addProposals();
      document.documentElement.dataset.unlocked = "1";
      mark("carnet-unlocked");
    });
  }
  function open(key) {
    mark("carnet-decrypt");
    return decrypt(key, fromB64(payload.textContent.trim()), aad("page/" + build + "/" + pageName())).then(function (html) {
      mark("carnet-decrypted");
      siteKey = key;
      return show(html);
    });
  }
  function fromStore() {
    var stored = sessionStorage.getItem(storeKey);
    if (stored) return crypto.subtle.importKey("raw", fromB64(stored), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    var own = peopleMeta ? sessionStorage.getItem(ownStore) : null;
    if (!own) return Promise.reject(new Error("no key"));
    return crypto.subtle.importKey("raw", fromB64(own), { name: "AES-GCM" }, false, ["decrypt"])
      .then(unwrap).then(function (key) {
        return crypto.subtle.exportKey("raw", key).then(function (raw) {
          sessionStorage.setItem(storeKey, toB64(raw));
          return key;
        });
      });
  }

  fromStore().then(function (key) {
    return open(key).catch(function () {
      sessionStorage.removeItem(storeKey);
      say("Cette page ne peut pas être déchiffrée\u00a0: elle a été modifiée ou le mot de passe a changé.");
    });
  }, function () {
    if (!form) return;
    form.hidden = false;
    var field = form.querySelector("input");
    if (field) field.focus();
  });

  if (form) form.addEventListener("submit", function (event) {
    event.preventDefault();
    var field = form.querySelector("input[type=password]");
    var password = field.value;
    var who = form.querySelector("input[name=username]");
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    say("Déchiffrement…", "busy");
    mark("carnet-derive");
    derive(password, who ? who.value : "").then(function (key) {
      mark("carnet-derived");
      return open(key).then(function () {
        return crypto.subtle.exportKey("raw", key).then(function (raw) {
          sessionStorage.setItem(storeKey, toB64(raw));
        });
      });
    }).catch(function () {
      if (button) button.disabled = false;
      say(who ? "Identifiant ou mot de passe incorrect, ou page altérée\u00a0: rien n'a pu être déchiffré."
        : "Mot de passe incorrect, ou page altérée\u00a0: rien n'a pu être déchiffré.");
      field.setAttribute("aria-invalid", "true");
      field.select();
    });
  });
})();
