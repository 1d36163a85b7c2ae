// Keying paper forms at full speed without a mouse. The form works the same without this script
// (the server checks every rule); the script only moves on after a one-key answer, takes Enter as
// "next field", warns at once of a code the scale does not have, and locks the questions a
// `relevant` condition skips (the server writes each condition as JSON beside its question).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("keying");
  if (!form) return;
  var status = document.getElementById("keying-status");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden]), textarea"));
  function value(item) {
    var input = form.querySelector('[data-item="' + item + '"]');
    if (!input || input.disabled || input.value.trim() === "") return NaN;
    var n = Number(input.value.trim());
    return isNaN(n) ? 1 : n;
  }
  function holds(e) {
    if (typeof e === "number") return e;
    if (e && e.item !== undefined) return value(e.item);
    switch (e[0]) {
      case "or": return holds(e[1]) || holds(e[2]);
      case "and": return holds(e[1]) && holds(e[2]);
      case "not": return !holds(e[1]);
    }
    var a = holds(e[1]), b = holds(e[2]);
    switch (e[0]) {
      case "==": return a === b;
      case "!=": return !(a === b);
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return true;
  }
  function follow() {
    form.querySelectorAll("[data-relevant]").forEach(function (row) {
      var asked = holds(JSON.parse(row.getAttribute("data-relevant")));
      row.classList.toggle("skipped", !asked);
      row.querySelectorAll("input, textarea").forEach(function (input) {
        input.disabled = !asked;
        if (!asked) input.value = "";
      });
    });
  }
  function next(from) {
    var i = inputs.indexOf(from);
    for (var j = i + 1; j < inputs.length; j++) {
      if (!inputs[j].disabled) { inputs[j].focus(); if (inputs[j].select) inputs[j].select(); return; }
    }
    form.querySelector("button[type=submit]").focus();
  }
  function allowed(input) {
    var codes = (input.getAttribute("data-codes") || "").split(" ").filter(Boolean);
    var v = input.value.trim();
    return v === "" || codes.length === 0 || codes.indexOf(v) >= 0;
  }
  form.addEventListener("input", function (event) {
    var input = event.target;
    follow();
    if (!input.hasAttribute("data-codes")) return;
    if (!allowed(input)) {
      input.setAttribute("aria-invalid", "true");
      status.textContent = "Câu " + input.getAttribute("data-item") + ": mã " + input.value + " không có; chỉ " + input.getAttribute("data-codes").split(" ").join(", ") + ".";
      input.select();
      return;
    }
    input.removeAttribute("aria-invalid");
    status.textContent = "";
    if (input.maxLength === 1 && input.value.length === 1) next(input);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT") {
      event.preventDefault();
      if (!allowed(event.target)) return;
      next(event.target);
    }
  });
  form.addEventListener("submit", function (event) {
    var bad = inputs.filter(function (input) { return !input.disabled && input.hasAttribute("data-codes") && !allowed(input); });
    if (bad.length) { event.preventDefault(); bad[0].focus(); status.textContent = "Còn mã không hợp lệ ở câu " + bad[0].getAttribute("data-item") + "."; }
  });
  follow();
});
