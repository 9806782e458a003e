/* The portal's only script besides htmx: registers the service worker and keeps keyboard focus
   sensible after htmx swaps. Everything works without it. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        /* The portal works without the service worker; nothing to tell the user. */
      });
    });
  }

  /* A boosted link or form whose request never reached the server (offline before the service
     worker took over, or any POST while offline) would otherwise do nothing at all. Say so, beside
     the content, and keep what the user typed. */
  var CONNECTION_ERROR_ID = "connection-error";

  document.addEventListener("htmx:sendError", function () {
    var main = document.getElementById("main");
    if (!main) {
      return;
    }
    /* A new element each time, so that a repeated failure is announced again. */
    var old = document.getElementById(CONNECTION_ERROR_ID);
    if (old) {
      old.remove();
    }
    var notice = document.createElement("p");
    notice.id = CONNECTION_ERROR_ID;
    notice.className = "flash flash--error";
    notice.setAttribute("role", "alert");
    notice.tabIndex = -1;
    notice.textContent = "通信できませんでした。インターネットへの接続を確認してから、もう一度お試しください。" +
      "入力中の内容は送信されていません。";
    main.insertBefore(notice, main.firstChild);
    notice.focus();
  });

  /* Japanese input: while an IME is composing (ものづ…), the text is not yet what the person means.
     Keep those input events from htmx (which would search for every kana typed); the form's
     hx-trigger searches on compositionend instead. (Captured at the document, before htmx's
     listeners on the form; htmx filters would need eval, which the CSP forbids.) */
  document.addEventListener("input", function (event) {
    if (event.isComposing) {
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    /* After a boosted navigation, start reading at the new page's main content. */
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) {
        main.focus({ preventScroll: true });
      }
    }
  });
})();
