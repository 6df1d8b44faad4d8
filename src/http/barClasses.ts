/**
 * @module http/barClasses
 *
 * Progress bars without inline styles: the CSP forbids `style=""`, so a bar's
 * fill width and its target line are whole-percent classes (`w-45`, `at-80`)
 * generated once here and appended to a page's stylesheet. Rounding to whole
 * percents is invisible at phone width; the exact figure is always written
 * next to the bar.
 */

/** The class giving a fill of `share` (0–1, capped at 100%). */
export function widthClass(share: number): string {
  return `w-${percentStep(share)}`;
}

/** The class placing a target line at `share` (0–1). */
export function targetClass(share: number): string {
  return `at-${percentStep(share)}`;
}

function percentStep(share: number): number {
  if (!Number.isFinite(share)) return 0;
  return Math.min(100, Math.max(0, Math.round(share * 100)));
}

/** `.w-0{width:0%}` … `.w-100{width:100%}` and `.at-0{left:0%}` … `.at-100{left:100%}`. */
export function barClassesCss(): string {
  const lines: string[] = [];
  for (let i = 0; i <= 100; i++) lines.push(`.w-${i}{width:${i}%}`, `.at-${i}{left:${i}%}`);
  return lines.join('\n') + '\n';
}
