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
  // The case code's Damm check digit, as the server checks it: a typo is caught before any answer is keyed.
  var damm = [[0,3,1,7,5,9,8,6,4,2],[7,0,9,2,1,5,4,8,6,3],[4,2,0,6,8,7,1,3,5,9],[1,7,5,0,9,8,3,4,2,6],[6,1,2,3,0,4,5,9,7,8],
              [3,6,7,4,2,0,9,5,8,1],[5,8,6,9,7,2,0,1,3,4],[8,9,4,5,3,6,2,0,1,7],[9,4,3,8,6,1,7,2,0,5],[2,5,8,1,4,3,6,7,9,0]];
  var code = document.getElementById("code");
  function codeHolds() {
    var digits = code.value.replace(/[\s-]/g, "");
    if (digits === "") return true;
    if (!/^[0-9]{2,12}$/.test(digits)) return false;
    var interim = 0;
    for (var i = 0; i < digits.length; i++) interim = damm[interim][digits.charCodeAt(i) - 48];
    return interim === 0;
  }
  function checkCode() {
    if (codeHolds()) {
      code.removeAttribute("aria-invalid");
      if (status.getAttribute("data-about") === "code") { status.textContent = ""; status.removeAttribute("data-about"); }
      return true;
    }
    code.setAttribute("aria-invalid", "true");
    status.setAttribute("data-about", "code");
    status.textContent = "Mã phiếu " + code.value + " sai chữ số kiểm tra; đọc lại mã in trên phiếu.";
    return false;
  }
  if (code) code.addEventListener("change", checkCode);
  function allowed(input) {
    if (input === code) return checkCode();
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
    if (code && !checkCode()) { event.preventDefault(); code.focus(); code.select(); return; }
    var bad = inputs.filter(function (input) { return !input.disabled && input.hasAttribute("data-codes") && !allowed(input); });
    if (bad.length) { event.preventDefault(); bad[0].focus(); status.textContent = "Còn mã không hợp lệ ở câu " + bad[0].getAttribute("data-item") + "."; }
  });
  follow();
});
