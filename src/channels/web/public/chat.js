// Hocvuso web chat. Plain script, no dependencies. Every message is rendered as
// text (textContent), links are built as elements, never through innerHTML.
(function () {
  'use strict';
  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  var send = document.getElementById('send');
  var status = document.getElementById('status');

  // Who this visitor is, the server decides: its session cookie (HttpOnly, not readable here) is sent
  // back with every request. `user` is only the API's label for the client, the same for every page;
  // the id earlier versions made up and kept in localStorage is dropped.
  var CLIENT = 'web-page';
  try {
    localStorage.removeItem('hocvuso-user');
  } catch (e) {
    // Storage may be switched off; nothing to drop then.
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  /** Appends text to el, turning http(s) addresses into links. */
  function appendText(el, text) {
    var re = /https?:\/\/[^\s)]+/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var url = m[0].replace(/[.,;:!?]+$/, '');
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement('a');
      a.href = url;
      a.textContent = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      el.appendChild(a);
      last = m.index + url.length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, text) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    appendText(div, text);
    log.appendChild(div);
    scrollDown();
    return div;
  }

  function addSources(bubble, sources) {
    var box = document.createElement('div');
    box.className = 'sources';
    box.appendChild(document.createTextNode('Xem thêm: '));
    sources.forEach(function (s, i) {
      if (i > 0) box.appendChild(document.createTextNode(' · '));
      if (s.url && /^https?:\/\//.test(s.url)) {
        var a = document.createElement('a');
        a.href = s.url;
        a.textContent = s.title;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        box.appendChild(a);
      } else {
        box.appendChild(document.createTextNode(s.title));
      }
    });
    bubble.appendChild(box);
  }

  function disableOldButtons() {
    var old = log.querySelectorAll('.buttons button');
    for (var i = 0; i < old.length; i++) old[i].disabled = true;
  }

  function addButtons(buttons) {
    var row = document.createElement('div');
    row.className = 'buttons';
    buttons.forEach(function (b) {
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.textContent = b.label;
      btn.addEventListener('click', function () {
        disableOldButtons();
        addMessage('me', b.label);
        post({ user: CLIENT, choice: b.value }, null);
      });
      row.appendChild(btn);
    });
    log.appendChild(row);
    scrollDown();
  }

  function render(data) {
    (data.replies || []).forEach(function (r) {
      var bubble = addMessage('bot', r.text || '');
      if (r.sources && r.sources.length) addSources(bubble, r.sources);
      if (r.buttons && r.buttons.length) addButtons(r.buttons);
    });
  }

  function setBusy(busy) {
    send.disabled = busy;
  }

  function showError(text) {
    status.textContent = text;
    status.hidden = false;
  }

  /** Sends a turn; on failure the typed text is put back so nothing is lost. */
  function post(body, typed) {
    setBusy(true);
    status.hidden = true;
    var waiting = addMessage('bot typing', 'Đang tìm câu trả lời…');
    fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error((data && data.message) || 'Lỗi ' + res.status);
          return data;
        });
      })
      .then(function (data) {
        waiting.remove();
        render(data);
      })
      .catch(function (err) {
        waiting.remove();
        if (typed !== null && !input.value) input.value = typed;
        showError(
          'Chưa gửi được: ' + (err && err.message ? err.message : 'mất kết nối') + '. Bà con bấm Gửi để thử lại.',
        );
      })
      .then(function () {
        setBusy(false);
        input.focus();
      });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    disableOldButtons();
    addMessage('me', text);
    input.value = '';
    post({ user: CLIENT, text: text }, text);
  });

  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit'));
    }
  });

  post({ user: CLIENT, choice: 'menu:start' }, null);
})();
