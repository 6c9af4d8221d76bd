import { ApiProblem } from './api';

type Child = Node | string | number | null | undefined | false;

/** An element with attributes and children: the dashboard's only way to build DOM. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export interface Column<R> {
  readonly label: string;
  readonly value: (row: R) => Child;
  readonly numeric?: boolean;
}

export function table<R>(columns: readonly Column<R>[], rows: readonly R[]): HTMLTableElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h('tr', {}, ...columns.map((c) => h('th', c.numeric ? { class: 'num' } : {}, c.label))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h('tr', {}, ...columns.map((c) => h('td', c.numeric ? { class: 'num' } : {}, c.value(r)))),
      ),
    ),
  );
}

/** Words for an error: the API's own message, or what failed. */
export function describe(err: unknown): string {
  if (err instanceof ApiProblem) {
    if (err.status === 0) return err.message;
    return `${err.message} (HTTP ${err.status})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * A titled box of the page. Its body shows content, or a visible message: a dependency down, or
 * no data yet; never a blank box.
 */
export class Panel {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly note: HTMLElement;

  constructor(
    readonly id: string,
    title: string,
    hint = '',
  ) {
    this.note = h('div', { class: 'notice', role: 'status', hidden: '' });
    this.body = h('div', { class: 'panel-body' });
    this.element = h(
      'section',
      { class: 'panel', 'data-panel': id },
      h('h2', {}, title),
      hint ? h('p', { class: 'hint' }, hint) : null,
      this.note,
      this.body,
    );
  }

  /** Replaces the body's content and clears any message. */
  show(...content: Child[]): void {
    this.clearNote();
    this.body.replaceChildren(
      ...content
        .filter((c): c is Node | string => c !== null && c !== undefined && c !== false)
        .map((c) => (typeof c === 'number' ? String(c) : c)),
    );
  }

  /** A message instead of (or above) the content: 'error' for a failure, 'empty' for no data. */
  message(kind: 'error' | 'empty' | 'info', text: string, keepContent = false): void {
    this.note.className = `notice notice-${kind}`;
    this.note.textContent = text;
    this.note.hidden = false;
    if (!keepContent) this.body.replaceChildren();
  }

  problem(err: unknown, keepContent = false): void {
    this.message('error', describe(err), keepContent);
  }

  clearNote(): void {
    this.note.hidden = true;
    this.note.textContent = '';
  }
}

/** The value of a setting of a chart: a canvas in a sized box, as Chart.js wants. */
export function canvasBox(height = 260): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas');
  const box = h('div', { class: 'chart', style: `height:${height}px` }, canvas);
  return { box, canvas };
}
