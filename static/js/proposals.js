/* 変更の確認: 「すべて選ぶ／すべて外す」 of a group and the counts on the decision buttons, in place.
   Without this script the same buttons post the form and the page comes back ticked; this only
   saves the round trip. Listeners sit on the document, so they keep working after htmx swaps. */
(function () {
  "use strict";

  function isProposals(form) {
    return form && form.id === "proposals-form";
  }

  function updateCounts(form) {
    var count = form.querySelectorAll("input[name=change]:checked").length;
    form.querySelectorAll("[data-chosen-count]").forEach(function (element) {
      element.textContent = String(count);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-group-action]") : null;
    if (!button || !isProposals(button.form)) {
      return;
    }
    var group = document.getElementById("group-" + button.value);
    if (!group) {
      return;
    }
    event.preventDefault();
    var tick = button.getAttribute("data-group-action") === "select";
    group.querySelectorAll("input[name=change]").forEach(function (box) {
      box.checked = tick;
    });
    updateCounts(button.form);
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name === "change" && isProposals(target.form)) {
      updateCounts(target.form);
    }
  });
})();
