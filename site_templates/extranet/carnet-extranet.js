/* Carnet extranet: one password per tab, pages decrypted in the browser (WebCrypto).
   PBKDF2-HMAC-SHA256 derives an AES-256-GCM key; only the derived key (never the
   password) is kept, in this tab's sessionStorage. No network request of our own. */
(function () {
  "use strict";
  var STORE = "carnet-extranet-key";
  var meta = document.querySelector('meta[name="carnet-kdf"]');
  var payload = document.getElementById("carnet-payload");
  var form = document.getElementById("carnet-unlock");
  var message = document.getElementById("carnet-message");
  if (!meta || !payload) return;
  var parts = meta.getAttribute("content").split(":");
  var salt = fromB64(parts[0]);
  var iterations = parseInt(parts[1], 10);
  var storeKey = STORE + ":" + parts[0];

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
  function say(text) { if (message) { message.textContent = text; message.hidden = false; } }

  function derive(password) {
    return crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return crypto.subtle.deriveKey(
          { name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
      });
  }
  function decrypt(key, blob) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: blob.slice(0, 12) }, key, blob.slice(12))
      .then(function (plain) { return new TextDecoder().decode(plain); });
  }
  function runScripts(root) {
    var scripts = Array.prototype.slice.call(root.querySelectorAll("script"));
    var chain = Promise.resolve();
    scripts.forEach(function (old) {
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
    document.body.innerHTML = html;
    var logout = document.createElement("button");
    logout.id = "carnet-logout";
    logout.type = "button";
    logout.textContent = "Se déconnecter";
    logout.addEventListener("click", function () { sessionStorage.removeItem(storeKey); location.reload(); });
    document.body.appendChild(logout);
    return runScripts(document.body).then(function () { document.documentElement.dataset.unlocked = "1"; });
  }
  function open(key) {
    return decrypt(key, fromB64(payload.textContent.trim())).then(show);
  }
  function fromStore() {
    var stored = sessionStorage.getItem(storeKey);
    if (!stored) return Promise.reject(new Error("no key"));
    return crypto.subtle.importKey("raw", fromB64(stored), { name: "AES-GCM" }, false, ["decrypt"]);
  }

  fromStore().then(function (key) {
    return open(key).catch(function () {
      sessionStorage.removeItem(storeKey);
      say("Cette page ne peut pas être déchiffrée : elle a été modifiée ou le mot de passe a changé.");
    });
  }, function () { if (form) form.hidden = false; });

  if (form) form.addEventListener("submit", function (event) {
    event.preventDefault();
    var password = form.querySelector("input[type=password]").value;
    say("Déchiffrement…");
    derive(password).then(function (key) {
      return open(key).then(function () {
        return crypto.subtle.exportKey("raw", key).then(function (raw) {
          sessionStorage.setItem(storeKey, toB64(raw));
        });
      });
    }).catch(function () {
      say("Mot de passe incorrect, ou page altérée : rien n'a pu être déchiffré.");
    });
  });
})();
