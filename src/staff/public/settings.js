// The settings page's one script: "Thêm dòng" adds an empty hamlet row. The form works without it
// (three empty rows are always there); served as a file because the console's CSP forbids inline scripts.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('[data-add-row="hamlets"]')) {
    button.addEventListener('click', () => {
      const table = button.closest('form')?.querySelector('table[data-next-row]');
      if (!table) return;
      const n = Number(table.getAttribute('data-next-row'));
      table.setAttribute('data-next-row', String(n + 1));
      const row = document.createElement('tr');
      for (const [field, label, max] of [
        ['id', 'Mã xóm/khối', '64'],
        ['name', 'Tên xóm/khối', '80'],
      ]) {
        const cell = document.createElement('td');
        const input = document.createElement('input');
        input.name = `h.${n}.${field}`;
        input.maxLength = Number(max);
        input.setAttribute('aria-label', label);
        cell.append(input);
        row.append(cell);
      }
      row.append(document.createElement('td'));
      table.querySelector('tbody')?.append(row);
      row.querySelector('input')?.focus();
    });
  }
});
