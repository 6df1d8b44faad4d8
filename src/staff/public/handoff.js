// "Hỏi cán bộ" live: listens to the console's event stream (GET /staff/hoi-dap/events) and appends new
// messages to the open conversation, updates the inbox rows and the count in the navigation bar, and
// says when a new resident is waiting. Delivery states of replies still on their way are re-read
// until settled. The pages work without it (plain forms and reloads); served as a file because the
// console's CSP forbids inline scripts. Text is only ever set with textContent.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('handoff');
  if (!root || typeof EventSource === 'undefined') return;
  const page = root.dataset.page;
  const threadId = Number(root.dataset.thread || 0);
  const list = document.getElementById('messages');
  const rows = document.getElementById('thread-rows');
  const live = document.getElementById('handoff-live');
  const WHO = {
    resident: 'Người dân',
    staff: 'Cán bộ',
    note: 'Ghi chú nội bộ (người dân không thấy)',
    system: 'Hệ thống',
  };

  function say(text) {
    if (live) live.textContent = text;
  }

  function setCount(open) {
    for (const badge of document.querySelectorAll('[data-handoff-count]')) {
      const text = open > 99 ? '99+' : open > 0 ? String(open) : '';
      badge.textContent = text;
      if (text) badge.setAttribute('aria-label', `${text} cuộc đang chờ`);
      else badge.removeAttribute('aria-label');
    }
  }

  function messageItem(m) {
    const li = document.createElement('li');
    li.className = `msg msg-${m.author}`;
    li.dataset.id = String(m.id);
    li.id = `m${m.id}`;
    const who = document.createElement('p');
    who.className = 'who';
    who.textContent = `${WHO[m.author] || ''} · ${m.time}`;
    if (m.author === 'staff' && m.delivery !== 'none') {
      who.append(' · ');
      const state = document.createElement('span');
      state.className = 'delivery';
      state.dataset.delivery = m.delivery;
      state.textContent = m.deliveryText;
      who.append(state);
    }
    const text = document.createElement('p');
    text.className = 'text';
    text.textContent = m.text;
    li.append(who, text);
    return li;
  }

  function appendMessage(m) {
    if (!list || m.threadId !== threadId) return;
    if (list.querySelector(`[data-id="${m.id}"]`)) return;
    list.append(messageItem(m));
    if (m.author === 'resident') say('Người dân vừa nhắn thêm.');
    if (m.author === 'staff') watchDelivery();
  }

  function threadRow(t) {
    const tr = document.createElement('tr');
    tr.dataset.thread = String(t.id);
    tr.className = 'open fresh';
    const link = document.createElement('a');
    link.href = t.url;
    link.textContent = t.hamlet;
    const unread = document.createElement('span');
    unread.className = 'unread';
    unread.dataset.unread = '';
    const cells = [link, t.channel, t.opened, t.last, unread, 'Đang chờ cán bộ'];
    for (const [i, content] of cells.entries()) {
      const td = document.createElement('td');
      if (i === 3) td.dataset.last = '';
      td.append(content);
      tr.append(td);
    }
    return tr;
  }

  function updateRow(m) {
    if (!rows) return;
    const row = rows.querySelector(`tr[data-thread="${m.threadId}"]`);
    if (!row) return;
    const last = row.querySelector('[data-last]');
    if (last) last.textContent = m.time;
    const unread = row.querySelector('[data-unread]');
    if (unread && m.author === 'resident') unread.textContent = String(Number(unread.textContent || 0) + 1);
    if (unread && m.author === 'staff') unread.textContent = '';
    rows.prepend(row);
  }

  function newThread(t) {
    say(`Có người dân mới cần cán bộ (${t.hamlet}, ${t.channel}).`);
    if (!rows || rows.querySelector(`tr[data-thread="${t.id}"]`)) return;
    rows.prepend(threadRow(t));
    document.getElementById('inbox-empty')?.remove();
  }

  // Replies still on their way: re-read the conversation's messages until each is sent, held or failed.
  let watching = false;
  function watchDelivery() {
    if (watching || !root.dataset.messages) return;
    watching = true;
    const tick = async () => {
      try {
        const res = await fetch(root.dataset.messages, { credentials: 'same-origin' });
        if (!res.ok) return;
        const body = await res.json();
        let pending = false;
        for (const m of body.messages) {
          const state = list?.querySelector(`[data-id="${m.id}"] .delivery`);
          if (state && state.dataset.delivery !== m.delivery) {
            state.dataset.delivery = m.delivery;
            state.textContent = m.deliveryText;
          }
          if (m.author === 'staff' && m.delivery === 'pending') pending = true;
        }
        if (pending) setTimeout(tick, 2000);
        else watching = false;
      } catch {
        watching = false;
      }
    };
    setTimeout(tick, 1000);
  }
  if (page === 'thread' && list?.querySelector('.delivery[data-delivery="pending"]')) watchDelivery();

  const events = new EventSource(root.dataset.events);
  events.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (page === 'thread') appendMessage(m);
    else updateRow(m);
  });
  events.addEventListener('thread', (e) => newThread(JSON.parse(e.data)));
  events.addEventListener('count', (e) => setCount(JSON.parse(e.data).open));
});
