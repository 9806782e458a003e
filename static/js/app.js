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
  /* Phones: the navi's filters wait in a drawer (<details id="navi-drawer">, sent open) so that the
     results come first. Closed at load on a narrow screen; across a swap of the region it keeps the
     state it had, so ticking filters inside the open drawer does not close it. 「N件を表示」 closes it and
     moves to the results. */
  document.documentElement.classList.add("js");
  var PHONE = window.matchMedia("(max-width: 47.99rem)");
  var drawerWasOpen = null;

  function settleDrawer() {
    var drawer = document.getElementById("navi-drawer");
    if (!drawer) {
      return;
    }
    if (!PHONE.matches) {
      drawer.open = true;
    } else {
      drawer.open = drawerWasOpen === true;
    }
  }

  document.addEventListener("DOMContentLoaded", settleDrawer);
  PHONE.addEventListener("change", function () {
    drawerWasOpen = false;
    settleDrawer();
  });
  document.addEventListener("htmx:beforeSwap", function () {
    var drawer = document.getElementById("navi-drawer");
    drawerWasOpen = drawer ? drawer.open : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    settleDrawer();
    drawerWasOpen = null;
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".navi__show a");
    if (!link) {
      return;
    }
    var drawer = document.getElementById("navi-drawer");
    var results = document.getElementById("navi-results");
    if (drawer && results) {
      event.preventDefault();
      drawer.open = false;
      results.scrollIntoView();
      results.focus({ preventScroll: true });
    }
  });

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
