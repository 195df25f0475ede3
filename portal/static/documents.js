// Policy document pages: confirmation before destructive or publishing actions, printing, and
// the compare layout switch (one click shows the other layout; the Compare button still works
// without JavaScript).
document.addEventListener('click', function (event) {
  var confirmed = event.target.closest('[data-confirm]');
  if (confirmed && !window.confirm(confirmed.getAttribute('data-confirm'))) {
    event.preventDefault();
    return;
  }
  if (event.target.closest('[data-print]')) {
    window.print();
  }
});
document.addEventListener('change', function (event) {
  var form = event.target.closest('[data-compare-form]');
  if (form && event.target.name === 'mode') {
    form.submit();
  }
});
