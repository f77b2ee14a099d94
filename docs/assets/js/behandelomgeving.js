/* The behandelomgeving: sign in (password, then the TOTP code) with Cognito, then the inbox,
   a dossier and its actions through the staff API. The API decides what may be done; this
   page shows its answers and its Dutch messages. */
(function () {
  "use strict";

  var API = "/api/staff";
  var SIGN_IN_ERRORS = {
    NotAuthorizedException: "Je e-mailadres of wachtwoord klopt niet.",
    UserNotFoundException: "Je e-mailadres of wachtwoord klopt niet.",
    CodeMismatchException: "De code klopt niet. Kijk in je app en probeer het opnieuw.",
    EnableSoftwareTokenMFAException: "De code klopt niet. Kijk in je app en probeer het opnieuw.",
    InvalidPasswordException: "Dit wachtwoord is te eenvoudig. Kies er een van minstens 12 " +
      "tekens, met een hoofdletter, een kleine letter en een cijfer.",
    ExpiredCodeException: "De code is verlopen. Vul de nieuwe code uit je app in."
  };
  var STATUS = {
    ontvangen: "Ontvangen", in_behandeling: "In behandeling", bemiddeling: "Bemiddeling",
    voorgelegd_aan_commissie: "Voorgelegd aan commissie", afgehandeld: "Afgehandeld",
    ingetrokken: "Ingetrokken", niet_ontvankelijk: "Niet-ontvankelijk"
  };
  var ACTIONS = {assigned: "Toegewezen aan", contact_made: "Contact", status: "Status",
                 note: "Notitie", judgement: "Oordeel ontvangen",
                 extension: "Termijn verlengd", correction: "Gegevens verbeterd",
                 erasure: "Gegevens gewist"};
  var EMAILS = {confirmation: "Ontvangstbevestiging", notification: "Melding aan ons",
                copy: "Kopie van de klacht", status_link: "Link naar de statuspagina"};
  var SCANS = {pending: "wordt nog op virussen gecontroleerd", infected: "virus gevonden",
               failed: "kon niet op virussen worden gecontroleerd"};
  var SENDING = {pending: "wacht op een nieuwe poging", sending: "wordt verstuurd",
                 sent: "verstuurd", failed: "niet verstuurd"};
  var DELIVERY = {delivered: "afgeleverd", bounced: "niet afgeleverd",
                  complained: "als spam gemeld", rejected: "geweigerd",
                  delayed: "vertraagd"};
  var EVENTS = {inbox: "lijst bekeken", dossier_read: "dossier bekeken",
                dossier_change: "dossier gewijzigd", access_log_read: "toegang bekeken",
                subject_access: "inzage gegeven", correction: "gegevens verbeterd",
                erasure: "gegevens gewist", export: "in een export gezet",
                retention_delete: "verwijderd na de bewaartermijn",
                status_view: "statuspagina bekeken", attachment_open: "bestand geopend"};
  var OUTCOMES = {allowed: "toegestaan", refused: "geweigerd", not_found: "niet gevonden",
                  conflict: "tegelijk gewijzigd", deleted: "verwijderd"};
  // A session ends after a quarter of an hour without a key or a click (and the token
  // itself after an hour).
  var IDLE_MS = 15 * 60 * 1000;
  var root, config, session, username, token, current, page, idleTimer;

  function $(selector) { return root.querySelector(selector); }

  function show(view) {
    root.querySelectorAll("[data-kp-view]").forEach(function (section) {
      section.hidden = section.getAttribute("data-kp-view") !== view;
    });
  }

  function notice(message) {
    var box = $("[data-kp-staff-notice]");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function cognito(operation, body) {
    return fetch(config.cognito_endpoint, {
      method: "POST",
      headers: {"Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService." + operation},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var type = String(data.__type || "").split("#").pop();
          throw new Error(SIGN_IN_ERRORS[type] || "Inloggen lukte niet. Probeer het opnieuw.");
        }
        return data;
      });
    });
  }

  function api(path, body) {
    return fetch(API + path, {
      method: body ? "POST" : "GET",
      headers: Object.assign({"Authorization": "Bearer " + token},
                             body ? {"Content-Type": "application/json"} : {}),
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) {
          signOut();
          throw new Error("Je bent uitgelogd. Log opnieuw in.");
        }
        if (!response.ok) {
          throw new Error(data.message || "Er ging iets mis. Probeer het opnieuw.");
        }
        return data;
      });
    });
  }

  // What Cognito asks next: the TOTP code, a password of one's own (first sign-in), or
  // setting up the authenticator app (first sign-in); or the user is signed in.
  function next(result) {
    session = result.Session;
    if (result.AuthenticationResult) {
      signedIn(result);
    } else if (result.ChallengeName === "SOFTWARE_TOKEN_MFA") {
      show("code");
      $("#staff-code").focus();
    } else if (result.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      show("newpassword");
      $("#staff-new-password").focus();
    } else if (result.ChallengeName === "MFA_SETUP") {
      return cognito("AssociateSoftwareToken", {Session: session}).then(function (answer) {
        session = answer.Session;
        $("[data-kp-secret]").textContent = answer.SecretCode;
        show("mfasetup");
        $("#staff-setup-code").focus();
      });
    } else {
      throw new Error("Je account is nog niet klaar om in te loggen. Vraag de beheerder.");
    }
  }

  function signedIn(result) {
    token = result.AuthenticationResult.IdToken;
    sessionStorage.setItem("kp-staff-token", token);
    sessionStorage.setItem("kp-staff-user", username);
    start();
  }

  // A link to behandelomgeving/#KPZ-... (the notification's) opens that dossier.
  function start() {
    var groups = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")))
      ["cognito:groups"] || [];
    $("[data-kp-access-block]").hidden = groups.indexOf("beheerder") < 0;
    $("[data-kp-export]").hidden = groups.indexOf("beheerder") < 0;
    var reference = decodeURIComponent(location.hash.slice(1));
    if (/^KPZ-/.test(reference)) {
      openDossier(reference);
    } else {
      loadInbox();
    }
  }

  function signOut() {
    token = null;
    current = null;
    sessionStorage.removeItem("kp-staff-token");
    // Nothing of a complaint stays in the page once signed out.
    ["[data-kp-rows]", "[data-kp-facts]", "[data-kp-description]", "[data-kp-outcome]",
     "[data-kp-attachments]", "[data-kp-history]", "[data-kp-emails]",
     "[data-kp-access-list]"].forEach(function (s) {
      $(s).textContent = "";
    });
    show("signin");
  }

  function stillHere() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      if (token) {
        signOut();
        notice("Je bent uitgelogd omdat je een kwartier niets hebt gedaan. Log opnieuw in.");
      }
    }, IDLE_MS);
  }

  // The inbox's status and filters as a query string.
  function inboxQuery() {
    var query = "?status=" + encodeURIComponent($("[data-kp-status]").value);
    new FormData($("[data-kp-filters]")).forEach(function (value, name) {
      if (value) { query += "&" + name + "=" + encodeURIComponent(value); }
    });
    return query;
  }

  // The API sends the file as JSON (the request needs the token): offered as a download.
  function exportInbox(format) {
    var query = inboxQuery() + "&formaat=" + format +
      ($("#staff-export-text").checked ? "&met_tekst=true" : "");
    return api("/export" + query).then(function (file) {
      var bytes = Uint8Array.from(atob(file.content), function (c) { return c.charCodeAt(0); });
      download(bytes, file.media_type, file.filename);
    }).catch(function (error) { notice(error.message); });
  }

  function percent(part, whole) {
    return whole ? " (" + Math.round(100 * part / whole) + "%)" : "";
  }

  function figuresTable(parent, caption, column, counts, names) {
    var table = element("table");
    table.appendChild(element("caption", caption));
    var head = element("tr");
    head.appendChild(element("th", column)).setAttribute("scope", "col");
    head.appendChild(element("th", "Aantal")).setAttribute("scope", "col");
    table.appendChild(head);
    Object.keys(counts).forEach(function (key) {
      var row = element("tr");
      row.appendChild(element("th", (names && names[key]) || key)).setAttribute("scope", "row");
      row.appendChild(element("td", String(counts[key])));
      table.appendChild(row);
    });
    parent.appendChild(table);
  }

  // Bars of SVG (no style attributes: the page's CSP allows none), the numbers beside them
  // and in the table below.
  function barChart(parent, title, counts) {
    var keys = Object.keys(counts);
    var most = Math.max.apply(null, keys.map(function (key) { return counts[key]; }).concat(1));
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", title + ": " + keys.map(function (key) {
      return key + " " + counts[key];
    }).join(", "));
    // Drawn at its own size: scaled to the column, its text would grow with it.
    svg.setAttribute("viewBox", "0 0 600 " + (keys.length * 30 + 10));
    svg.setAttribute("width", "600");
    svg.setAttribute("height", String(keys.length * 30 + 10));
    keys.forEach(function (key, index) {
      var y = index * 30 + 5;
      var label = document.createElementNS(svg.namespaceURI, "text");
      label.setAttribute("x", "0");
      label.setAttribute("y", String(y + 17));
      label.textContent = key;
      var bar = document.createElementNS(svg.namespaceURI, "rect");
      bar.setAttribute("x", "200");
      bar.setAttribute("y", String(y));
      bar.setAttribute("height", "22");
      bar.setAttribute("width", String(Math.max(1, 330 * counts[key] / most)));
      bar.setAttribute("fill", "#1f5f8b");
      var value = document.createElementNS(svg.namespaceURI, "text");
      value.setAttribute("x", String(205 + 330 * counts[key] / most));
      value.setAttribute("y", String(y + 17));
      value.textContent = String(counts[key]);
      svg.appendChild(label);
      svg.appendChild(bar);
      svg.appendChild(value);
    });
    var block = element("div");
    block.appendChild(svg);
    parent.appendChild(element("h3", title));
    parent.appendChild(block);
  }

  function showFigures(data) {
    var box = $("[data-kp-figures]");
    box.textContent = "";
    box.appendChild(element("p", "In " + data.year + " kwamen " + data.total +
      " klachten en vragen om advies binnen."));
    if (!data.total) { return; }
    var contact = data.contact;
    var decided = contact.in_time + contact.late;
    box.appendChild(element("p", "Contact binnen de termijn: " + contact.in_time + " van " +
      decided + percent(contact.in_time, decided) + "; te laat: " + contact.late +
      "; termijn loopt nog: " + contact.open + "."));
    var judgement = data.judgement;
    var judged = judgement.in_time + judgement.late;
    box.appendChild(element("p", "Oordeel van de zorgaanbieder binnen de termijn: " +
      judgement.in_time + " van " + judged + percent(judgement.in_time, judged) +
      "; te laat: " + judgement.late + "; termijn loopt nog: " + judgement.open + "."));
    box.appendChild(element("p", "Afgesloten: " + data.closed + (data.median_days_to_close === null
      ? "." : "; de helft daarvan binnen " + data.median_days_to_close + " dagen na ontvangst.")));
    barChart(box, "Klachten per regeling", data.by_regeling);
    figuresTable(box, "Per regeling", "Regeling", data.by_regeling);
    figuresTable(box, "Per soort", "Soort", data.by_kind,
                 {klacht: "Klacht", advies: "Vraag om advies"});
    figuresTable(box, "Per status", "Status", data.by_status, STATUS);
    figuresTable(box, "Per zorgaanbieder", "Zorgaanbieder", data.by_provider);
  }

  function loadFigures() {
    return api("/jaarcijfers?jaar=" + encodeURIComponent($("#staff-year").value))
      .then(showFigures).catch(function (error) { notice(error.message); });
  }

  function loadInbox(next) {
    var query = inboxQuery() + (next ? "&page=" + encodeURIComponent(next) : "");
    return api("/klachten" + query).then(function (data) {
      var rows = $("[data-kp-rows]");
      rows.textContent = "";
      data.rows.forEach(function (row) {
        var tr = element("tr");
        var cell = element("td");
        var link = element("a", row.reference);
        link.href = "#" + row.reference;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          openDossier(row.reference);
        });
        cell.appendChild(link);
        tr.appendChild(cell);
        [row.kind === "advies" ? "vraag om advies" : "klacht", row.provider_name,
         row.regeling_name || "onbekend", row.received_on, STATUS[row.status],
         row.assigned_to || "niemand",
         row.contact_by + " (" + row.contact_due + ")"].forEach(function (text) {
          tr.appendChild(element("td", text));
        });
        rows.appendChild(tr);
      });
      $("[data-kp-empty]").hidden = data.rows.length > 0;
      page = data.next_page;
      $("[data-kp-next]").hidden = !page;
      show("inbox");
    }).catch(function (error) { notice(error.message); });
  }

  function fact(list, term, value) {
    list.appendChild(element("dt", term));
    list.appendChild(element("dd", value));
  }

  function showDossier(data) {
    var complaint = data.complaint;
    current = complaint;
    $("[data-kp-dossier-title]").textContent = "Dossier " + complaint.reference;
    var facts = $("[data-kp-facts]");
    facts.textContent = "";
    fact(facts, "Soort", complaint.kind === "advies" ? "Vraag om advies" : "Klacht");
    fact(facts, "Status", STATUS[complaint.status]);
    fact(facts, "Zorgaanbieder", complaint.provider.name);
    fact(facts, "Regeling", complaint.regeling ? complaint.regeling.name : "onbekend");
    fact(facts, "Ontvangen", complaint.received_on);
    /* The language of the form's page: the complainant's pages and e-mails are in it. */
    fact(facts, "Taal van de klager", complaint.language === "en" ? "Engels" : "Nederlands");
    fact(facts, "Contact uiterlijk", complaint.deadlines.contact_by +
      (complaint.contact_made_at ? " (contact opgenomen)" : ""));
    if (complaint.deadlines.judgement_by) {
      fact(facts, "Oordeel zorgaanbieder uiterlijk", complaint.extension ?
        complaint.extension.until + " (verlengd)" : complaint.deadlines.judgement_by);
    }
    if (complaint.judgement_on) {
      fact(facts, "Oordeel ontvangen", complaint.judgement_on);
    }
    fact(facts, "Naam", complaint.complainant.name);
    fact(facts, "E-mail", complaint.complainant.email);
    fact(facts, "Telefoon", complaint.complainant.phone || "niet ingevuld");
    fact(facts, "Contact via", complaint.complainant.contact_preference === "telefoon" ?
      "telefoon" : "e-mail");
    fact(facts, "Toegewezen aan", complaint.assigned_to || "niemand");
    $("[data-kp-description]").textContent = complaint.complaint.description;
    $("[data-kp-outcome]").textContent = complaint.complaint.desired_outcome;
    showAttachments(complaint, data.attachment_scans);
    var select = $("[data-kp-next-status]");
    select.textContent = "";
    data.next_statuses.forEach(function (status) {
      var option = element("option", STATUS[status]);
      option.value = status;
      select.appendChild(option);
    });
    var history = $("[data-kp-history]");
    history.textContent = "";
    complaint.history.forEach(function (entry) {
      history.appendChild(element("li", entry.at.slice(0, 16).replace("T", " ") + " · " +
        entry.user + " · " + ACTIONS[entry.action] + ": " + entry.detail));
    });
    var emails = $("[data-kp-emails]");
    emails.textContent = "";
    Object.keys(complaint.emails).forEach(function (kind) {
      var record = complaint.emails[kind];
      emails.appendChild(element("li", EMAILS[kind] + ": " + SENDING[record.status] +
        (record.delivery ? " (" + DELIVERY[record.delivery] + ")" : "")));
    });
    $("[data-kp-access-list]").textContent = "";
    show("dossier");
  }

  // Each file with a button that opens it (a link that works for a minute), once the
  // malware scan found it clean; else what the scan said.
  function showAttachments(complaint, scans) {
    var list = $("[data-kp-attachments]");
    list.textContent = "";
    if (!complaint.attachments.length) {
      list.appendChild(element("li", "geen"));
    }
    complaint.attachments.forEach(function (attachment) {
      var item = element("li", attachment.name + " (" +
        Math.max(1, Math.round(attachment.size / 1024)) + " kB) ");
      if (scans[attachment.id] === "clean") {
        var open = element("button", "Openen");
        open.type = "button";
        open.className = "md-button";
        open.setAttribute("aria-label", "Open " + attachment.name);
        open.addEventListener("click", function () {
          notice("");
          api("/klachten/" + encodeURIComponent(complaint.reference) + "/bijlagen/" +
              encodeURIComponent(attachment.id)).then(function (link) {
            window.location.assign(link.url);
          }).catch(function (error) { notice(error.message); });
        });
        item.appendChild(open);
      } else {
        item.appendChild(element("span", SCANS[scans[attachment.id]] || ""));
      }
      list.appendChild(item);
    });
  }

  function openDossier(reference) {
    notice("");
    return api("/klachten/" + encodeURIComponent(reference)).then(function (data) {
      showDossier(data);
      $("[data-kp-dossier-title]").focus();
    }).catch(function (error) { notice(error.message); });
  }

  // Offer `content` (text) as a file to download.
  function download(content, type, filename) {
    var link = element("a");
    link.href = URL.createObjectURL(new Blob([content], {type: type}));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
  }

  // A request of the complainant about their data: answered on the dossier's version.
  function subjectRequest(path, body) {
    notice("");
    body.version = current.version;
    return api("/klachten/" + encodeURIComponent(current.reference) + path, body)
      .then(showDossier)
      .catch(function (error) { notice(error.message); });
  }

  function act(body) {
    notice("");
    body.version = current.version;
    return api("/klachten/" + encodeURIComponent(current.reference) + "/acties", body)
      .then(showDossier)
      .catch(function (error) { notice(error.message); });
  }

  function setUp(found) {
    root = found;
    // Each sign-in step: one call to Cognito, then whatever Cognito asks next.
    function signInStep(selector, call) {
      $(selector).addEventListener("submit", function (event) {
        event.preventDefault();
        notice("");
        call().then(next).catch(function (error) { notice(error.message); });
      });
    }
    signInStep("[data-kp-signin]", function () {
      username = $("#staff-email").value;
      return cognito("InitiateAuth", {
        AuthFlow: "USER_PASSWORD_AUTH", ClientId: config.client_id,
        AuthParameters: {USERNAME: username, PASSWORD: $("#staff-password").value}
      });
    });
    signInStep("[data-kp-newpassword]", function () {
      return cognito("RespondToAuthChallenge", {
        ChallengeName: "NEW_PASSWORD_REQUIRED", ClientId: config.client_id, Session: session,
        ChallengeResponses: {USERNAME: username, NEW_PASSWORD: $("#staff-new-password").value}
      });
    });
    signInStep("[data-kp-mfasetup]", function () {
      return cognito("VerifySoftwareToken", {
        Session: session, UserCode: $("#staff-setup-code").value,
        FriendlyDeviceName: "Behandelomgeving"
      }).then(function (answer) {
        return cognito("RespondToAuthChallenge", {
          ChallengeName: "MFA_SETUP", ClientId: config.client_id, Session: answer.Session,
          ChallengeResponses: {USERNAME: username}
        });
      });
    });
    signInStep("[data-kp-code]", function () {
      return cognito("RespondToAuthChallenge", {
        ChallengeName: "SOFTWARE_TOKEN_MFA", ClientId: config.client_id, Session: session,
        ChallengeResponses: {USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: $("#staff-code").value}
      });
    });
    $("[data-kp-status]").addEventListener("change", function () { loadInbox(); });
    $("[data-kp-filters]").addEventListener("submit", function (event) {
      event.preventDefault();
      loadInbox();
    });
    $("[data-kp-next]").addEventListener("click", function () { loadInbox(page); });
    $("[data-kp-subject-access]").addEventListener("click", function () {
      var reference = current.reference;
      api("/klachten/" + encodeURIComponent(reference) + "/inzage").then(function (access) {
        download(access.html, "text/html", "gegevens-" + reference + ".html");
        download(JSON.stringify(access.data, null, 2), "application/json",
                 "gegevens-" + reference + ".json");
      }).catch(function (error) { notice(error.message); });
    });
    $("[data-kp-correction-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      new FormData(event.target).forEach(function (value, name) {
        if (value) { body[name] = value; }
      });
      subjectRequest("/verbetering", body).then(function () { event.target.reset(); });
    });
    $("[data-kp-erasure-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      subjectRequest("/wissen", {reason: $("#staff-erasure-reason").value})
        .then(function () { event.target.reset(); });
    });
    $("[data-kp-figures-open]").addEventListener("click", function () {
      $("#staff-year").value = String(new Date().getFullYear());
      show("figures");
      $("#figures-title").focus();
      loadFigures();
    });
    $("[data-kp-figures-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      loadFigures();
    });
    $("[data-kp-figures-back]").addEventListener("click", function (event) {
      event.preventDefault();
      loadInbox();
    });
    $("[data-kp-export]").addEventListener("submit", function (event) {
      event.preventDefault();
      exportInbox(event.submitter ? event.submitter.value : "xlsx");
    });
    $("[data-kp-signout]").addEventListener("click", signOut);
    $("[data-kp-back]").addEventListener("click", function (event) {
      event.preventDefault();
      loadInbox();
    });
    $("[data-kp-assign]").addEventListener("click", function () {
      act({action: "assign"});
    });
    $("[data-kp-contact]").addEventListener("click", function () {
      act({action: "contact_made"});
    });
    $("[data-kp-status-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      act({action: "status", status: $("[data-kp-next-status]").value});
    });
    $("[data-kp-judgement-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      act({action: "judgement", given_on: $("#staff-judgement").value});
    });
    $("[data-kp-extension-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      act({action: "extension", notice_on: $("#staff-extension-date").value,
           reason: $("#staff-extension-reason").value});
    });
    $("[data-kp-note-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("#staff-note");
      act({action: "note", text: text.value}).then(function () { text.value = ""; });
    });
    $("[data-kp-access]").addEventListener("click", function () {
      api("/klachten/" + encodeURIComponent(current.reference) + "/toegang")
        .then(function (entries) {
          var list = $("[data-kp-access-list]");
          list.textContent = "";
          entries.forEach(function (entry) {
            list.appendChild(element("li", entry.at.slice(0, 16).replace("T", " ") + " · " +
              entry.user + " (" + entry.role + ") · " + EVENTS[entry.event] + " · " +
              entry.source_ip + " · " + OUTCOMES[entry.outcome]));
          });
        }).catch(function (error) { notice(error.message); });
    });
    $("[data-kp-search]").addEventListener("submit", function (event) {
      event.preventDefault();
      openDossier($("#staff-search").value.trim().toUpperCase());
    });
    ["keydown", "click"].forEach(function (name) {
      document.addEventListener(name, stillHere);
    });
    stillHere();
    token = sessionStorage.getItem("kp-staff-token");
    username = sessionStorage.getItem("kp-staff-user");
    fetch(API + "/config").then(function (response) {
      if (!response.ok) { throw new Error("De behandelomgeving is hier niet ingericht."); }
      return response.json();
    }).then(function (found) {
      config = found;
      if (token) { start(); } else { show("signin"); }
    }).catch(function (error) { notice(error.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var found = document.querySelector("[data-kp-staff]");
    if (found) { setUp(found); }
  });
}());
