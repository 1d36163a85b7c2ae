// Narrows a long checklist as the official types ("van quan" finds "Xã Văn Quan"); without
// JavaScript the whole list stays visible and usable.
document.querySelectorAll('input[data-filter]').forEach(function (box) {
  var list = document.getElementById(box.getAttribute('data-filter'));
  if (!list) return;
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
  }
  box.addEventListener('input', function () {
    var q = fold(box.value.trim());
    list.querySelectorAll('li').forEach(function (li) {
      li.hidden = q !== '' && fold(li.textContent).indexOf(q) === -1;
    });
  });
});
