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

  /**
   * An id for each message sent, kept when the same message goes again (the stream broke and the plain
   * request takes over, or "Gửi" is pressed again after "Chưa gửi được"): the server then answers it once.
   */
  function messageId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ('0' + b.toString(16)).slice(-2);
      })
      .join('');
  }
  /** The text of the last message that failed to go, and its id, to send it again under the same id. */
  var unsent = null;

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
        post({ user: CLIENT, choice: b.value, id: messageId() }, null);
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

  /**
   * While a person from the commune owns the conversation, their replies can
   * come at any time: the page asks for them every few seconds, and stops
   * once the conversation is back with the assistant.
   */
  var POLL_MS = 5000;
  var pollTimer = null;

  function follow(data) {
    if (data && data.handoff) {
      if (!pollTimer) pollTimer = setInterval(poll, POLL_MS);
    } else if (pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
    }
  }

  function poll() {
    fetch('api/chat/pending', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        if (data.replies && data.replies.length) {
          disableOldButtons();
          render(data);
        }
        follow(data);
      })
      .catch(function () {
        // Offline for a moment: the next poll (or the next message) carries what is owed.
      });
  }

  function setBusy(busy) {
    send.disabled = busy;
  }

  function showError(text) {
    status.textContent = text;
    status.hidden = false;
  }

  var HEADERS = { 'Content-Type': 'application/json' };

  /** An answer the server gave (a 400, 413 or 429 says why): shown as is, never sent a second time. */
  function finalError(message) {
    var err = new Error(message);
    err.final = true;
    return err;
  }

  /** The JSON of a chat response, or a final error carrying the server's message. */
  function readJson(res) {
    return res.json().then(function (data) {
      if (!res.ok) throw finalError((data && data.message) || 'Lỗi ' + res.status);
      return data;
    });
  }

  // Every address here is relative to the page: at /x/<commune>/ (several communes on one install)
  // the page talks to its own commune's api/chat.

  /** One turn through POST /api/chat: the whole answer at once. */
  function viaPlain(body) {
    return fetch('api/chat', {
      method: 'POST',
      headers: HEADERS,
      credentials: 'same-origin',
      body: JSON.stringify(body),
    }).then(readJson);
  }

  /**
   * Reads server-sent events from a fetch body (EventSource cannot POST),
   * calling onEvent(name, data) for each; resolves when the body ends.
   */
  function readEvents(res, onEvent) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function dispatch(block) {
      var name = 'message';
      var data = [];
      block.split('\n').forEach(function (line) {
        if (line.indexOf('event:') === 0) name = line.slice(6).trim();
        else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
      });
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
    function pump() {
      return reader.read().then(function (chunk) {
        buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
        buffer = chunk.done ? '' : blocks.pop();
        blocks.forEach(function (b) {
          if (b.trim()) dispatch(b);
        });
        if (!chunk.done) return pump();
      });
    }
    return pump();
  }

  /**
   * One turn through POST /api/chat/stream: onDraft gets the model's text as
   * it is written (every piece already checked by the server) and its
   * withdrawal; resolves with the final answer, the body /api/chat returns.
   */
  function viaStream(body, onDraft) {
    if (!window.ReadableStream || !window.TextDecoder) return Promise.reject(new Error('no stream'));
    return fetch('api/chat/stream', {
      method: 'POST',
      headers: HEADERS,
      credentials: 'same-origin',
      body: JSON.stringify(body),
    }).then(function (res) {
      var type = res.headers.get('Content-Type') || '';
      if (type.indexOf('text/event-stream') !== 0 || !res.body) {
        // Refused or malformed turns get the JSON of /api/chat; anything else (an older server) tries /api/chat.
        if (res.status === 400 || res.status === 413 || res.status === 429) return readJson(res);
        throw new Error('Lỗi ' + res.status);
      }
      var done = null;
      return readEvents(res, function (name, data) {
        if (name === 'done') done = data;
        else if (name === 'delta' || name === 'replace') onDraft(name, data);
        else if (name === 'error') throw new Error('stream error');
      }).then(function () {
        if (!done) throw new Error('stream cut');
        return done;
      });
    });
  }

  /** Sends a turn; on failure the typed text is put back so nothing is lost. */
  function post(body, typed) {
    setBusy(true);
    status.hidden = true;
    var waiting = addMessage('bot typing', 'Đang tìm câu trả lời…');
    var draft = null;
    function dropDraft() {
      if (draft) draft.remove();
      draft = null;
      waiting.hidden = false;
    }
    function onDraft(name, data) {
      if (name === 'replace') return dropDraft();
      if (!draft) {
        waiting.hidden = true;
        draft = addMessage('bot draft', '');
      }
      draft.appendChild(document.createTextNode(data.text || ''));
      scrollDown();
    }
    viaStream(body, onDraft)
      .catch(function (err) {
        if (err && err.final) throw err;
        dropDraft();
        return viaPlain(body);
      })
      .then(function (data) {
        // The final answer replaces the draft: links, sources and buttons come with it.
        dropDraft();
        waiting.remove();
        render(data);
        follow(data);
      })
      .catch(function (err) {
        dropDraft();
        waiting.remove();
        if (typed !== null && !input.value) input.value = typed;
        if (typed !== null) unsent = { text: typed, id: body.id };
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
    var id = unsent && unsent.text === text ? unsent.id : messageId();
    unsent = null;
    post({ user: CLIENT, text: text, id: id }, text);
  });

  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit'));
    }
  });

  post({ user: CLIENT, choice: 'menu:start' }, null);
})();
