import { Api } from './api';
import { describe, h } from './dom';
import type { View } from './view';
import { analyticsView } from './views/analytics';
import { customerView } from './views/customer';
import { modelsView } from './views/models';
import { predictionsView } from './views/predictions';
import { topicsView } from './views/topics';

/**
 * The dashboard: a key asked for once (kept in this browser, sent in a header), then five
 * views, each refreshed while it is shown. The address's #hash names the view.
 */
function start(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('the page has no #app element');
  const keyDialog = h(
    'form',
    { class: 'key', 'data-role': 'key-form' },
    h('h2', {}, 'API key'),
    h(
      'p',
      {},
      'One of the keys in AMATO_API__API_KEYS (./amato start keeps one in .stack/api-key). It is kept in this browser and sent in the X-API-Key header, never in the address.',
    ),
    h('input', {
      type: 'password',
      name: 'key',
      'aria-label': 'API key',
      autocomplete: 'off',
      required: '',
    }),
    h('button', { type: 'submit' }, 'Use this key'),
    h('p', { class: 'notice notice-error', hidden: '', 'data-role': 'key-error' }),
  );
  const api = new Api(() => {
    askForKey('The API refused the key: enter a valid one.');
  });
  const views: View[] = [
    topicsView(api),
    predictionsView(api),
    customerView(api),
    analyticsView(api),
    modelsView(api),
  ];
  const nav = h(
    'nav',
    {},
    ...views.map((v) => h('a', { href: `#${v.id}`, 'data-view': v.id }, v.title)),
  );
  const forget = h('button', { type: 'button', class: 'link' }, 'forget key');
  const main = h('main', {});
  root.append(h('header', {}, h('h1', {}, 'AMATO'), nav, forget), main, keyDialog);

  let current: View | undefined;
  let timer: number | undefined;

  function askForKey(message?: string): void {
    clearTimeout(timer);
    current?.hide?.();
    current = undefined;
    main.hidden = true;
    keyDialog.hidden = false;
    const error = keyDialog.querySelector<HTMLElement>('[data-role=key-error]');
    if (error) {
      error.hidden = !message;
      error.textContent = message ?? '';
    }
    keyDialog.querySelector('input')?.focus();
  }

  function show(): void {
    if (!api.hasKey) {
      askForKey();
      return;
    }
    keyDialog.hidden = true;
    main.hidden = false;
    const wanted = location.hash.slice(1).split('/')[0] || 'topics';
    const view = views.find((v) => v.id === wanted) ?? views[0];
    if (!view) return;
    if (view !== current) {
      current?.hide?.();
      current = view;
      main.replaceChildren(view.element);
      for (const a of nav.querySelectorAll('a'))
        a.classList.toggle('active', a.dataset.view === view.id);
      document.title = `AMATO · ${view.title}`;
    }
    clearTimeout(timer);
    const tick = async () => {
      if (current !== view) return;
      try {
        await view.refresh();
      } catch (err) {
        console.error(describe(err));
      }
      if (current === view && view.refreshMs !== null)
        timer = window.setTimeout(() => void tick(), view.refreshMs);
    };
    void tick();
  }

  keyDialog.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = keyDialog.querySelector('input');
    const key = input?.value.trim() ?? '';
    api.useKey(key).then(
      () => {
        if (input) input.value = '';
        show();
      },
      (err: unknown) => {
        askForKey(`That key was refused: ${describe(err)}`);
      },
    );
  });
  forget.addEventListener('click', () => {
    api.forgetKey();
    askForKey();
  });
  window.addEventListener('hashchange', show);
  show();
}

start();
