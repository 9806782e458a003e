/* Web Push for the installed app: asks the browser's permission only when the user presses the
   button on 通知の設定, subscribes through the service worker with the portal's VAPID key, and
   sends the PushSubscription to the portal. Loaded on every page because htmx navigations do not
   run scripts of the new page; it acts only where #push-settings is present. */
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function post(url, token, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(data)
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function setup(root) {
    if (!root || root.getAttribute("data-push-ready") === "1") {
      return;
    }
    root.setAttribute("data-push-ready", "1");
    var enable = root.querySelector("[data-push-enable]");
    var disable = root.querySelector("[data-push-disable]");
    var status = root.querySelector("[data-push-status]");
    var unsupported = root.querySelector("[data-push-unsupported]");
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      return;
    }
    unsupported.hidden = true;

    function show(subscribed) {
      enable.hidden = subscribed;
      disable.hidden = !subscribed;
    }

    function say(message) {
      status.textContent = message;
    }

    show(false);
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      show(Boolean(subscription) && Notification.permission === "granted");
    });

    enable.addEventListener("click", function () {
      say("通知の許可を確認しています…");
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          say("通知が許可されませんでした。ブラウザのサイト設定で通知を許可すると、受け取れるようになります。");
          return null;
        }
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(root.getAttribute("data-key"))
          });
        }).then(function (subscription) {
          return post(root.getAttribute("data-subscribe-url"), root.getAttribute("data-csrf"), subscription.toJSON());
        }).then(function (answer) {
          show(true);
          say(answer.message);
        });
      }).catch(function () {
        say("プッシュ通知を登録できませんでした。時間をおいて、もう一度お試しください。");
      });
    });

    disable.addEventListener("click", function () {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) {
          return { message: "この端末への通知は登録されていません。" };
        }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(root.getAttribute("data-remove-url"), root.getAttribute("data-csrf"), { endpoint: endpoint });
        });
      }).then(function (answer) {
        show(false);
        say(answer.message);
      }).catch(function () {
        say("通知を止められませんでした。時間をおいて、もう一度お試しください。");
      });
    });
  }

  function find() {
    setup(document.getElementById("push-settings"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", find);
  } else {
    find();
  }
  document.addEventListener("htmx:afterSettle", find);
})();
