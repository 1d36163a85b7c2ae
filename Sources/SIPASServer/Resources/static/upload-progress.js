// Shows how much of a large upload has been sent. The form works the same without this script:
// it only sends the form itself, so the server's answer (the result or the problem list) is
// the page it would have shown anyway.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-progress]");
  var box = document.getElementById("upload-progress");
  if (!form || !box || !window.XMLHttpRequest || !window.FormData) return;
  var bar = box.querySelector("progress"), text = box.querySelector("span");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    box.hidden = false;
    request.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round(e.loaded / e.total * 100);
      bar.value = percent;
      text.textContent = "Đã gửi " + percent + "%";
    };
    request.upload.onload = function () { text.textContent = "Đã gửi xong; đang kiểm tra tệp, xin chờ…"; };
    request.onload = function () {
      document.open();
      document.write(request.responseText);
      document.close();
    };
    request.onerror = function () { text.textContent = "Không gửi được tệp (mất kết nối?); hãy thử lại."; };
    request.send(new FormData(form));
  });
});
