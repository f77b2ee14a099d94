/* Provider index filter: hides providers whose name does not match what is typed.
   Without JavaScript the full A-Z list stays usable, so the filter box stays hidden. */
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUpFilter(box) {
    var texts = JSON.parse(box.getAttribute("data-kp-texts"));
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var index = document.querySelector("[data-kp-index]");
    var empty = document.querySelector("[data-kp-empty]");
    if (!input || !index) {
      return;
    }
    var groups = Array.prototype.map.call(index.querySelectorAll("section"), function (section) {
      return {
        section: section,
        items: Array.prototype.map.call(section.querySelectorAll("li"), function (item) {
          return { item: item, name: normalise(item.textContent) };
        })
      };
    });
    var total = groups.reduce(function (sum, group) { return sum + group.items.length; }, 0);
    var timer = null;

    function apply() {
      var query = normalise(input.value);
      var shown = 0;
      groups.forEach(function (group) {
        var visible = 0;
        group.items.forEach(function (entry) {
          var match = query === "" || entry.name.indexOf(query) !== -1;
          entry.item.hidden = !match;
          if (match) {
            visible += 1;
          }
        });
        group.section.hidden = visible === 0;
        shown += visible;
      });
      if (empty) {
        empty.hidden = shown !== 0;
      }
      status.textContent = (query === "" ? texts.all : texts.found)
        .replace("{count}", total).replace("{shown}", shown);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    });
    box.hidden = false;
    var fromUrl = new URLSearchParams(window.location.search).get("zoek");
    if (fromUrl) {
      input.value = fromUrl;
      apply();
    }
  }

  document.querySelectorAll("[data-kp-filter]").forEach(setUpFilter);
})();

/* Complaint form: sends JSON to the API, shows the answers to check, then the reference, or
   the errors in place. Without JavaScript the form posts as an ordinary HTML form and the
   API answers with pages (the answers to check, the form again, the confirmation). What the
   script says itself comes from the page (data-kp-texts), in the page's language. */
(function () {
  "use strict";

  var texts = {};

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) {
      element.className = className;
    }
    return element;
  }

  function setUpConditional(form) {
    form.querySelectorAll("[data-kp-show-when]").forEach(function (block) {
      var rule = block.getAttribute("data-kp-show-when").split("=");
      var radios = form.querySelectorAll("input[name='" + rule[0] + "']");
      function update() {
        var checked = form.querySelector("input[name='" + rule[0] + "']:checked");
        block.hidden = !checked || checked.value !== rule[1];
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  }

  function clearErrors(container) {
    container.querySelectorAll(".kp-field-error[data-kp-added]").forEach(function (node) {
      node.remove();
    });
    container.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
    });
    container.querySelectorAll(".kp-field--error").forEach(function (node) {
      node.classList.remove("kp-field--error");
    });
  }

  function showFieldError(form, name, message) {
    var target = form.querySelector("#" + CSS.escape(name));
    if (!target) {
      return;
    }
    var field = target.closest(".kp-field") || target;
    field.classList.add("kp-field--error");
    var error = document.createElement("p");
    error.className = "kp-field-error";
    error.id = name + "-error";
    error.setAttribute("data-kp-added", "");
    error.appendChild(text("span", texts.error + " ", "kp-visually-hidden"));
    error.appendChild(document.createTextNode(message));
    var anchor = field.querySelector("legend, label");
    var hint = field.querySelector(".kp-hint");
    var after = hint && hint.previousElementSibling === anchor ? hint : anchor;
    if (after && after.parentNode === field) {
      after.insertAdjacentElement("afterend", error);
    } else {
      field.insertAdjacentElement("afterbegin", error);
    }
    target.setAttribute("aria-invalid", "true");
    var described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(error.id) === -1) {
      described.push(error.id);
      target.setAttribute("aria-describedby", described.join(" "));
    }
  }

  function showErrors(root, form, errors) {
    var summary = root.querySelector("[data-kp-error-summary]");
    var list = summary.querySelector("[data-kp-error-list]");
    list.innerHTML = "";
    Object.keys(errors).forEach(function (name) {
      var item = document.createElement("li");
      var link = text("a", errors[name]);
      link.href = "#" + name;
      item.appendChild(link);
      list.appendChild(item);
      showFieldError(form, name, errors[name]);
    });
    summary.hidden = false;
    summary.focus();
  }

  function showNotice(root, message) {
    var notice = root.querySelector("[data-kp-notice]");
    notice.innerHTML = "";
    notice.appendChild(text("p", message));
    notice.hidden = false;
    notice.setAttribute("tabindex", "-1");
    notice.focus();
  }

  /* The receipt as the API renders it (escaped), in the complaint's language. */
  function showConfirmation(root, receipt) {
    var panel = root.parentNode.querySelector("[data-kp-confirmation]");
    panel.innerHTML = receipt.html;
    root.hidden = true;
    panel.hidden = false;
    panel.focus();
  }

  function formBody(form) {
    var body = {};
    new FormData(form).forEach(function (value, key) { body[key] = value; });
    return body;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function focusField(form, name) {
    var target = form.querySelector("#" + CSS.escape(name));
    if (!target) {
      return;
    }
    var focusable = target.matches("input, textarea") ? target :
      target.querySelector("input:checked") || target.querySelector("input, textarea");
    if (focusable) {
      focusable.focus();
      target.scrollIntoView({ block: "center" });
    }
  }

  /* Attachments: each chosen file goes straight to S3 with a presigned POST the API hands
     out; the form then names the uploaded files by id. Without script, files are added
     after sending. */
  /* The type a file is declared as, by its extension (the kinds the form takes, from the
     page); its content decides in the end. */
  function typeOf(file, types) {
    var extension = file.name.split(".").pop().toLowerCase();
    return types[extension] || file.type || "application/octet-stream";
  }

  function setUpAttachments(form, idField) {
    var field = form.querySelector("[data-kp-attachments]");
    var files = [];
    var busy = 0;
    if (!field || !window.FormData) {
      return { files: files, busy: function () { return 0; } };
    }
    var uploadUrl = field.getAttribute("data-kp-upload-url");
    var maxFiles = Number(field.getAttribute("data-kp-max-files"));
    var types = JSON.parse(field.getAttribute("data-kp-types"));
    var input = field.querySelector("input[type=file]");
    var list = field.querySelector("[data-kp-file-list]");
    var status = field.querySelector("[data-kp-file-status]");
    field.hidden = false;
    form.querySelector("[data-kp-attachments-later]").hidden = true;

    function say(message) {
      status.textContent = message;
    }

    function row(file) {
      var item = document.createElement("li");
      item.appendChild(text("span", file.name));
      var state = text("span", " " + texts.adding, "kp-files__state");
      item.appendChild(state);
      list.appendChild(item);
      return { item: item, state: state };
    }

    function refused(entry, message) {
      entry.item.classList.add("kp-files__refused");
      entry.state.textContent = " " + message;
      say(message);
    }

    function added(entry, upload) {
      entry.state.textContent = " " + texts.added + " ";
      var remove = text("button", texts.remove, "kp-link-button");
      remove.type = "button";
      remove.appendChild(text("span", " " + upload.name, "kp-visually-hidden"));
      remove.addEventListener("click", function () {
        files.splice(files.indexOf(upload), 1);
        entry.item.remove();
        say(texts.removed.replace("{name}", upload.name));
        input.focus();
      });
      entry.item.appendChild(remove);
      files.push(upload);
      say(texts.added_status.replace("{name}", upload.name));
    }

    function upload(file) {
      var entry = row(file);
      if (files.length + busy >= maxFiles) {
        refused(entry, texts.too_many);
        return;
      }
      busy += 1;
      post(uploadUrl, { submission_id: idField.value, name: file.name,
        content_type: typeOf(file, types), size: file.size,
        language: form.elements.language.value }).then(function (result) {
        if (result.status !== 201) {
          refused(entry, (result.data.errors && result.data.errors.attachments) ||
            result.data.message || texts.not_now);
          return null;
        }
        var data = new FormData();
        Object.keys(result.data.fields).forEach(function (name) {
          data.append(name, result.data.fields[name]);
        });
        data.append("file", file);
        return fetch(result.data.url, { method: "POST", body: data }).then(function (sent) {
          if (sent.ok) {
            added(entry, { id: result.data.id, name: file.name });
          } else {
            refused(entry, texts.refused);
          }
        });
      }).catch(function () {
        refused(entry, texts.upload_failed);
      }).then(function () {
        busy -= 1;
      });
    }

    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, upload);
      input.value = "";
    });
    return { files: files, busy: function () { return busy; } };
  }

  function setUpForm(root) {
    var form = root.querySelector("[data-kp-complaint-form]");
    if (!form || !window.fetch) {
      return;
    }
    texts = JSON.parse(root.getAttribute("data-kp-texts"));
    var check = root.parentNode.querySelector("[data-kp-check]");
    var idField = form.querySelector("[data-kp-submission-id]");
    if (!idField.value) {
      idField.value = newId();
    }
    form.querySelector("[data-kp-started-at]").value = String(Date.now());
    setUpConditional(form);
    var attachments = setUpAttachments(form, idField);
    var sending = false;

    function backToForm() {
      check.hidden = true;
      root.hidden = false;
    }

    function answered(result, onSuccess) {
      if (result.status === 422 && result.data.errors) {
        backToForm();
        showErrors(root, form, result.data.errors);
      } else if (onSuccess) {
        onSuccess(result.data);
      } else {
        backToForm();
        showNotice(root, result.data.message || texts.send_failed);
      }
    }

    /* One request at a time; the buttons say so while it runs. Only a failed connection
       is "no connection": an answer is handled apart. */
    function send(button, url, handle) {
      if (sending) {
        return;
      }
      if (attachments.busy()) {
        showNotice(root, texts.busy);
        return;
      }
      sending = true;
      button.disabled = true;
      clearErrors(form);
      root.querySelector("[data-kp-notice]").hidden = true;
      var body = formBody(form);
      body.attachments = attachments.files;
      function done() {
        sending = false;
        button.disabled = false;
      }
      post(url, body).then(handle, function () {
        backToForm();
        showNotice(root, texts.offline);
      }).then(done, done);
    }

    root.querySelector("[data-kp-error-summary]").addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (link) {
        event.preventDefault();
        focusField(form, link.getAttribute("href").slice(1));
      }
    });

    /* Doorgaan: the answers are checked, then shown with a "Wijzigen" each. Nothing is
       stored yet, and the form keeps what was typed. */
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form.querySelector("button[type=submit]"), form.action, function (result) {
        answered(result, result.status === 200 && result.data.html ? function (data) {
          check.innerHTML = data.html;
          root.hidden = true;
          check.hidden = false;
          check.querySelector("[data-kp-check-title]").focus();
        } : null);
      });
    });

    check.addEventListener("click", function (event) {
      var change = event.target.closest("[data-kp-change]");
      if (change) {
        event.preventDefault();
        backToForm();
        focusField(form, change.getAttribute("data-kp-change"));
      }
    });

    /* Versturen: what the form holds is sent, and stored. */
    check.addEventListener("submit", function (event) {
      event.preventDefault();
      send(check.querySelector("[data-kp-send]"), event.target.action, function (result) {
        answered(result, result.status === 201 ? function (data) {
          check.hidden = true;
          showConfirmation(root, data);
        } : null);
      });
    });
  }

  document.querySelectorAll("[data-kp-form]").forEach(setUpForm);
})();
