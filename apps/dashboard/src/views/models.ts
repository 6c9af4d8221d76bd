import type { Api } from '../api';
import { describe, h, Panel, table } from '../dom';
import type { View } from '../view';

interface Version {
  name: string;
  version: number;
  format: string;
  bytes: number;
  createdAt: string;
  active: boolean;
  activatedAt: string | null;
  headline: string;
}
interface Models {
  versions: Version[];
  serving: {
    name: string;
    version: number | null;
    loadedAt: string | null;
    lastError: string | null;
  }[];
}

/** The model registry: every version with its headline metric, which is active; activate another. */
export function modelsView(api: Api): View {
  const versions = new Panel(
    'versions',
    'Model versions',
    'Trained by ./amato train; activating one is checked before anything switches, and the stream and the API follow.',
  );
  const serving = new Panel('serving', 'What this API serves');

  async function activate(v: Version, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    button.textContent = 'activating…';
    try {
      await api.post(`/models/${encodeURIComponent(v.name)}/versions/${v.version}/activate`, {});
      versions.message('info', `${v.name} v${v.version} is now active.`, true);
      await refresh(false);
    } catch (err) {
      versions.message(
        'error',
        `Could not activate ${v.name} v${v.version}: ${describe(err)}`,
        true,
      );
      button.disabled = false;
      button.textContent = 'activate';
    }
  }

  async function refresh(clear = true): Promise<void> {
    let body: Models;
    try {
      body = await api.get<Models>('/models');
    } catch (err) {
      versions.problem(err);
      serving.problem(err);
      return;
    }
    const note = versions.element.querySelector('.notice:not([hidden])')?.textContent;
    if (body.versions.length === 0) {
      versions.message(
        'empty',
        'No model trained yet: ./amato train trains them from the batch’s datasets.',
      );
    } else {
      versions.show(
        table(
          [
            { label: 'model', value: (v: Version) => v.name },
            { label: 'version', value: (v: Version) => v.version, numeric: true },
            { label: 'trained', value: (v: Version) => new Date(v.createdAt).toLocaleString() },
            { label: 'headline', value: (v: Version) => v.headline || '—' },
            {
              label: 'size',
              value: (v: Version) => `${(v.bytes / 1024).toFixed(0)} KiB`,
              numeric: true,
            },
            {
              label: 'state',
              value: (v: Version) => {
                if (v.active) return h('span', { class: 'state state-up' }, 'active');
                const button = h(
                  'button',
                  { type: 'button', 'data-activate': `${v.name}:${v.version}` },
                  'activate',
                );
                button.addEventListener('click', () => void activate(v, button));
                return button;
              },
            },
          ],
          body.versions,
        ),
      );
      if (!clear && note) versions.message('info', note, true);
    }
    serving.show(
      table(
        [
          { label: 'model', value: (s: Models['serving'][number]) => s.name },
          {
            label: 'version',
            value: (s: Models['serving'][number]) => s.version ?? 'none active',
            numeric: true,
          },
          {
            label: 'loaded',
            value: (s: Models['serving'][number]) =>
              s.loadedAt ? new Date(s.loadedAt).toLocaleString() : '—',
          },
          { label: 'problem', value: (s: Models['serving'][number]) => s.lastError ?? '—' },
        ],
        body.serving,
      ),
    );
  }

  return {
    id: 'models',
    title: 'Models',
    element: h('div', { class: 'grid' }, versions.element, serving.element),
    refreshMs: 30_000,
    refresh: () => refresh(),
  };
}
