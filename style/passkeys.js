// Passkeys (WebAuthn) for Probity: the one place the pages need script. Adding a passkey on
// the second-factor page, and using one after the password. Without script (or without
// WebAuthn in the browser) these parts stay hidden and the authenticator app's code, which
// works as a plain form, is the way in.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data && data.error ? data.error : "Something went wrong. Try again.");
        }
        return data;
      }, function () {
        throw new Error("Something went wrong. Try again.");
      });
    });
  }

  function say(root, message) {
    var box = root.querySelector("[data-passkey-message]");
    if (!box) {
      return;
    }
    box.querySelector("p").textContent = message;
    box.hidden = false;
    box.focus();
  }

  function reveal(root) {
    root.hidden = false;
    var note = document.querySelector("[data-passkey-needs-script]");
    if (note) {
      note.hidden = true;
    }
  }

  // Adding a passkey.
  var add = document.querySelector("form[data-passkey-add]");
  if (add) {
    reveal(add);
    add.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = add.querySelector("input[name=csrf_token]").value;
      var name = add.querySelector("input[name=passkey_name]").value;
      post("/account/passkeys/options", token, {})
        .then(function (options) {
          var key = options.publicKey;
          key.challenge = fromBase64url(key.challenge);
          key.user.id = fromBase64url(key.user.id);
          (key.excludeCredentials || []).forEach(function (credential) {
            credential.id = fromBase64url(credential.id);
          });
          return navigator.credentials.create({ publicKey: key });
        })
        .then(function (credential) {
          return post("/account/passkeys", token, {
            name: name,
            credential: {
              id: credential.id,
              rawId: toBase64url(credential.rawId),
              type: credential.type,
              extensions: credential.getClientExtensionResults(),
              response: {
                attestationObject: toBase64url(credential.response.attestationObject),
                clientDataJSON: toBase64url(credential.response.clientDataJSON),
              },
            },
          });
        })
        .then(function (done) {
          window.location.assign(done.next);
        })
        .catch(function (error) {
          say(add, error && error.name === "NotAllowedError"
            ? "The passkey was not added: it was cancelled or timed out."
            : error.message);
        });
    });
  }

  // Using a passkey: after the password ([data-passkey-sign-in]), or in place of it where
  // the office allows ([data-passkey-first], the sign-in page).
  function offer(use, optionsUrl, answerUrl, then) {
    reveal(use);
    var button = use.querySelector("button");
    button.addEventListener("click", function () {
      var token = use.querySelector("input[name=csrf_token]").value;
      post(optionsUrl, token, {})
        .then(function (options) {
          var key = options.publicKey;
          key.challenge = fromBase64url(key.challenge);
          (key.allowCredentials || []).forEach(function (credential) {
            credential.id = fromBase64url(credential.id);
          });
          return navigator.credentials.get({ publicKey: key });
        })
        .then(function (credential) {
          var response = credential.response;
          return post(answerUrl, token, {
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            extensions: credential.getClientExtensionResults(),
            response: {
              authenticatorData: toBase64url(response.authenticatorData),
              clientDataJSON: toBase64url(response.clientDataJSON),
              signature: toBase64url(response.signature),
              userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
            },
          });
        })
        .then(function (done) {
          if (then) {
            then(done);
          } else {
            window.location.assign(done.next);
          }
        })
        .catch(function (error) {
          say(use, error && error.name === "NotAllowedError"
            ? "The passkey was not used: it was cancelled or timed out. Try again, or sign in another way."
            : error.message);
        });
    });
  }
  var afterPassword = document.querySelector("[data-passkey-sign-in]");
  if (afterPassword) {
    offer(afterPassword, "/sign-in/second-factor/passkey/options", "/sign-in/second-factor/passkey");
  }
  var instead = document.querySelector("[data-passkey-first]");
  if (instead) {
    offer(instead, "/sign-in/passkey/options", "/sign-in/passkey");
  }
  // Confirming before a sensitive step: once the passkey is right, the step's own form (its
  // fields carried on the page) goes to the step, as the code's 307 would send it.
  var confirm = document.querySelector("[data-passkey-confirm]");
  if (confirm) {
    offer(confirm, "/account/confirm/passkey/options", "/account/confirm/passkey", function () {
      var form = document.querySelector("form[action='/account/confirm']");
      var next = form.querySelector("input[name=reauth_next]").value;
      Array.prototype.slice.call(form.querySelectorAll("input[name^=reauth_]")).forEach(
        function (input) { input.parentNode.removeChild(input); });
      form.setAttribute("action", next);
      form.submit();
    });
  }
})();
