// Policy document pages: confirmation before destructive or publishing actions, and printing.
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
