/*
 * The staff dashboard (GET /staff): fetches the progress report for the chosen
 * filters and draws it. Text is always set with textContent (never as HTML),
 * bar widths with whole-percent classes from dashboard.css (the CSP forbids
 * inline styles), and every bar has its figure written next to it. Chart.js
 * (served from this origin) draws the weekly trend; a table below it carries
 * the same numbers for screen readers and for when the chart cannot load.
 */
(function () {
  'use strict';

  var root = document.getElementById('dashboard');
  var form = document.getElementById('filters');
  if (!root || !form) return;
  var statusEl = document.getElementById('status');
  var api = root.getAttribute('data-api');
  var page = root.getAttribute('data-page');
  var count = new Intl.NumberFormat('vi-VN');
  var percent = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
  var chart = null;
  var latest = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function step(share) {
    if (typeof share !== 'number' || !isFinite(share)) return 0;
    return Math.min(100, Math.max(0, Math.round(share * 100)));
  }

  function pct(share) {
    return percent.format(share * 100) + '%';
  }

  function targetText(target) {
    return (target.strict ? 'trên ' : '') + pct(target.share);
  }

  /** People still needed to reach the target, or 0. */
  function missing(cell) {
    if (!cell.target || cell.population === null || cell.population === undefined) return 0;
    var needed = cell.target.strict
      ? Math.floor(cell.target.share * cell.population) + 1
      : Math.ceil(cell.target.share * cell.population - 1e-9);
    return Math.max(0, needed - cell.completed);
  }

  /** One labelled progress bar: name and share on top, the bar with its target line, then the counts. */
  function cellView(title, cell) {
    var box = el('div', 'cell');
    var head = el('div', 'cell-head');
    head.appendChild(el('span', 'cell-name', title));
    var known = cell.share !== null && cell.share !== undefined;
    head.appendChild(el('span', 'cell-value', known ? pct(cell.share) : 'Chưa rõ tỷ lệ'));
    box.appendChild(head);

    var bar = el('div', 'bar');
    bar.setAttribute('aria-hidden', 'true');
    bar.appendChild(el('span', 'fill w-' + (known ? step(cell.share) : 0)));
    if (cell.target) bar.appendChild(el('span', 'target at-' + step(cell.target.share)));
    box.appendChild(bar);

    var parts = [];
    if (known) {
      parts.push(count.format(cell.completed) + '/' + count.format(cell.population) + ' người đã hoàn thành');
    } else {
      parts.push(count.format(cell.completed) + ' người đã hoàn thành');
    }
    if (cell.target) parts.push('Mục tiêu ' + targetText(cell.target));
    box.appendChild(el('p', 'cell-detail', parts.join(' · ')));

    if (!known) {
      box.appendChild(el('p', 'verdict unknown', 'Chưa có số dân: chưa tính được tỷ lệ'));
    } else if (cell.met === true) {
      box.appendChild(el('p', 'verdict met', '✓ Đạt mục tiêu'));
    } else if (cell.met === false) {
      var gap = missing(cell);
      box.appendChild(
        el(
          'p',
          'verdict not-met',
          '✗ Chưa đạt mục tiêu' + (gap > 0 ? ' (còn thiếu ' + count.format(gap) + ' người)' : ''),
        ),
      );
    }
    return box;
  }

  function fill(id, nodes) {
    var target = document.getElementById(id);
    target.replaceChildren.apply(target, nodes);
  }

  function renderCells(report) {
    fill(
      'indicators',
      report.indicators.map(function (row) {
        return cellView(row.letter + ') ' + row.label, row);
      }),
    );
    fill('total', [cellView('Cả phạm vi đang xem', report.total)]);
    fill(
      'hamlets',
      report.hamlets.length > 0
        ? report.hamlets.map(function (h) {
            return cellView(h.hamletName, h);
          })
        : [el('p', 'empty', 'Chưa có số liệu theo xóm.')],
    );
    fill(
      'groups',
      report.groups.map(function (g) {
        return cellView(g.groupName, g);
      }),
    );
  }

  function weekLabel(weekStart) {
    var p = weekStart.split('-');
    return p[2] + '/' + p[1];
  }

  function renderWeekly(weekly) {
    var body = document.querySelector('#weekly-table tbody');
    body.replaceChildren.apply(
      body,
      weekly.map(function (w) {
        var tr = el('tr');
        var th = el('th', null, weekLabel(w.weekStart) + '/' + w.weekStart.slice(0, 4));
        th.setAttribute('scope', 'row');
        tr.appendChild(th);
        tr.appendChild(el('td', null, count.format(w.completions)));
        tr.appendChild(el('td', null, count.format(w.passes)));
        return tr;
      }),
    );
    var canvas = document.getElementById('weekly-chart');
    if (typeof window.Chart !== 'function') {
      // No chart library: the table is the chart.
      document.getElementById('weekly-details').open = true;
      canvas.hidden = true;
      return;
    }
    var data = {
      labels: weekly.map(function (w) {
        return weekLabel(w.weekStart);
      }),
      datasets: [
        {
          type: 'bar',
          label: 'Hoàn thành chương trình (người)',
          data: weekly.map(function (w) {
            return w.completions;
          }),
          backgroundColor: '#0b5cad',
        },
        {
          type: 'line',
          label: 'Lượt đạt bài kiểm tra',
          data: weekly.map(function (w) {
            return w.passes;
          }),
          borderColor: '#a34a00',
          backgroundColor: '#a34a00',
          borderDash: [6, 4],
          pointStyle: 'rectRot',
          pointRadius: 4,
        },
      ],
    };
    if (chart) {
      chart.data = data;
      chart.update();
      return;
    }
    // Readable on a phone, in the page's text colour (the default grey is too faint).
    window.Chart.defaults.font.size = 14;
    window.Chart.defaults.color = '#1c2430';
    chart = new window.Chart(canvas, {
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: 'vi-VN',
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } } },
      },
    });
  }

  function renderQuizzes(report) {
    var nodes = [];
    if (report.quizzes.length > 0) {
      var list = el('ul', 'plain');
      report.quizzes.forEach(function (q) {
        list.appendChild(
          el(
            'li',
            null,
            q.title +
              ': ' +
              count.format(q.passed) +
              ' người đạt, ' +
              count.format(q.failedAttempts) +
              ' lượt chưa đạt',
          ),
        );
      });
      nodes.push(list);
    } else {
      nodes.push(el('p', 'empty', 'Chưa có ai làm bài kiểm tra trong phạm vi này.'));
    }
    if (report.failedQuestions.length > 0) {
      nodes.push(el('h3', null, 'Câu hỏi bà con hay trả lời sai (nên ôn lại ở buổi học tới)'));
      var wrong = el('ol', 'plain');
      report.failedQuestions.forEach(function (f) {
        wrong.appendChild(
          el('li', null, f.prompt + ' — sai ' + count.format(f.wrong) + '/' + count.format(f.answered) + ' lượt'),
        );
      });
      nodes.push(wrong);
    }
    fill('quizzes', nodes);
  }

  /** The plan's section for each year's targets. */
  var PLAN_SECTION = { 2025: 'mục III.1', 2026: 'mục III.2' };

  function render(report) {
    document.getElementById('year-label').textContent = String(report.query.year);
    var section = PLAN_SECTION[report.query.year];
    document.getElementById('plan-section').textContent = section ? 'Theo ' + section + ' của Kế hoạch.' : '';
    renderCells(report);
    renderWeekly(report.weekly);
    renderQuizzes(report);
    fill(
      'notes',
      report.notes.length > 0
        ? report.notes.map(function (n) {
            return el('li', null, n);
          })
        : [el('li', null, 'Không có ghi chú.')],
    );
    var at = new Date(report.generatedAt);
    document.getElementById('generated').textContent =
      'Số liệu lúc ' + at.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) + '.';
  }

  /** The filters as a query string, empty ones left out (the same as the server writes them). */
  function query() {
    var params = new URLSearchParams();
    ['year', 'hamlet', 'group', 'from', 'to'].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value) params.set(name, field.value);
    });
    return params.toString();
  }

  function updateLinks(qs) {
    document.querySelectorAll('.downloads a').forEach(function (a) {
      var href = a.getAttribute('data-href') + '?' + qs;
      var delimiter = a.getAttribute('data-delimiter');
      a.setAttribute('href', delimiter ? href + '&sep=' + delimiter : href);
    });
  }

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle('error', Boolean(isError));
  }

  function load() {
    var qs = query();
    var mine = ++latest;
    updateLinks(qs);
    if (window.history && window.history.replaceState) window.history.replaceState(null, '', page + '?' + qs);
    setStatus('Đang tải số liệu…');
    root.setAttribute('aria-busy', 'true');
    fetch(api + '?' + qs, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (res.status === 401) {
              // The session ended: opening the page again leads to the login page.
              window.location.assign(page + '?' + qs);
            }
            var problem = !res.ok
              ? body.message || 'Không tải được số liệu (mã lỗi ' + res.status + ').'
              : !Array.isArray(body.indicators)
                ? 'Máy chủ trả về số liệu không đúng dạng. Vui lòng báo cho quản trị viên.'
                : '';
            if (problem) {
              var refused = new Error(problem);
              refused.fromServer = true;
              throw refused;
            }
            return body;
          });
      })
      .then(function (report) {
        if (mine !== latest) return; // an older answer arriving after a newer request
        try {
          render(report);
        } catch (err) {
          err.fromRender = true;
          throw err;
        }
        setStatus('Đã cập nhật số liệu.');
      })
      .catch(function (err) {
        if (mine !== latest) return;
        // The server's own words when it answered; otherwise the network failed (the browser's message is English).
        if (err && err.fromServer) setStatus(err.message, true);
        else if (err && err.fromRender) {
          setStatus('Không hiển thị được số liệu. Vui lòng tải lại trang; nếu vẫn lỗi, báo cho quản trị viên.', true);
          console.error(err); // the cause, for whoever debugs it
        } else setStatus('Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.', true);
      })
      .then(function () {
        if (mine === latest) root.removeAttribute('aria-busy');
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    load();
  });
  form.addEventListener('change', load);
  load();
})();
