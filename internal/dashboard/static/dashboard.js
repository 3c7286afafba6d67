// Keeps the dashboard current without a reload: every few seconds it
// fetches the page again and swaps the parts marked data-live, so a
// failover or a new result shows up by itself. Without JavaScript the
// server-rendered page is complete, only static.
(function () {
  'use strict';

  var body = document.body;
  var every = parseInt(body.getAttribute('data-refresh-ms'), 10) || 5000;
  var status = document.getElementById('refresh-status');
  var toggle = document.getElementById('refresh-toggle');
  var paused = false;
  var busy = false;
  var timer = 0;
  var count = 0;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle('failed', Boolean(failed));
  }

  // A selector that finds the focused element again after a swap.
  function focusSelector(el) {
    if (el.id) return '#' + CSS.escape(el.id);
    var href = el.getAttribute('href');
    return href ? 'a[href="' + CSS.escape(href) + '"]' : null;
  }

  // swap replaces the content of each live part that changed; parts that
  // did not change are left alone, so live regions speak only on change.
  function swap(doc) {
    document.querySelectorAll('[data-live][id]').forEach(function (el) {
      var fresh = doc.getElementById(el.id);
      if (!fresh || fresh.innerHTML === el.innerHTML) return;
      var active = document.activeElement;
      var again = active && el.contains(active) ? focusSelector(active) : null;
      el.innerHTML = fresh.innerHTML;
      if (again) {
        var target = el.querySelector(again);
        if (target) target.focus();
      }
    });
    var title = doc.querySelector('title');
    if (title) document.title = title.textContent;
  }

  function schedule() {
    clearTimeout(timer);
    if (!paused) timer = setTimeout(refresh, every);
  }

  function refresh() {
    if (busy || paused) return;
    if (document.hidden) { schedule(); return; }
    busy = true;
    fetch(location.href, { headers: { Accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 404) throw new Error('this page no longer exists');
        if (res.status >= 500) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        swap(new DOMParser().parseFromString(html, 'text/html'));
        count++;
        body.setAttribute('data-refreshes', String(count));
        say('Updated ' + new Date().toLocaleTimeString());
      })
      .catch(function (err) {
        say('Update failed: ' + err.message + '. Retrying.', true);
      })
      .then(function () {
        busy = false;
        schedule();
      });
  }

  toggle.hidden = false;
  toggle.addEventListener('click', function () {
    paused = !paused;
    toggle.setAttribute('aria-pressed', String(paused));
    toggle.textContent = paused ? 'Resume updates' : 'Pause updates';
    say(paused ? 'Updates paused.' : 'Live: updates every ' + every / 1000 + ' s');
    if (paused) clearTimeout(timer); else refresh();
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !paused) refresh();
  });
  say('Live: updates every ' + every / 1000 + ' s');
  schedule();
})();
