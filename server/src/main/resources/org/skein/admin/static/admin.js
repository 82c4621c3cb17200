// Refreshes the fragments marked data-refresh (the cluster's node table) without blocking the page,
// and asks before destructive forms are sent.
(function () {
  'use strict';

  function refresh(element) {
    var url = element.getAttribute('data-refresh');
    var interval = parseInt(element.getAttribute('data-interval') || '5000', 10);
    function load() {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (response) {
          if (response.redirected || !response.ok) { throw new Error('HTTP ' + response.status); }
          return response.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fragment = doc.querySelector('.cluster-fragment') || doc.body;
          element.replaceChildren.apply(element, Array.prototype.slice.call(fragment.childNodes).map(function (n) {
            return document.importNode(n, true);
          }));
          element.setAttribute('data-loaded', String(Date.now()));
        })
        .catch(function () { /* keep what is shown; try again on the next tick */ })
        .finally(function () { setTimeout(load, interval); });
    }
    load();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-refresh]').forEach(refresh);
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); }
      });
    });
  });
})();
