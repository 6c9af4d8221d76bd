import { ApiProblem, type Api } from '../api';
import { colour, LiveChart } from '../charts';
import { canvasBox, describe, h, Panel, table } from '../dom';
import { formatMoney, formatNumber, formatPercent } from '../stats';
import type { View } from '../view';

interface Features {
  customer_id: string;
  as_of: string;
  last_event_time: string | null;
  features: Record<string, number>;
  avg_order_value: number;
  windows: Record<string, number>;
  device_mix: Record<string, number>;
}
interface Segment {
  segment: number;
  segment_type: string;
  confidence: number;
  model: string;
  model_version: number;
  predicted_at: string;
}
interface Session {
  session_id: string;
  start_time: string | null;
  end_time: string | null;
  page_views: number | null;
  device_type: string | null;
  traffic_source: string | null;
  converted: boolean | null;
}
interface Journey {
  pages: number;
  depth: number;
  time_on_site_seconds: number;
  cart_adds: number;
  purchases: number;
  last_page_type: string | null;
  ended: boolean;
  last_event_time: string;
}
interface JourneyPrediction {
  conversion_probability: number;
  model: string;
  model_version: number;
  predicted_at: string;
}
interface CustomerForecast {
  model_used: string;
  model_version: number;
  horizon_days: number;
  predictions: { customer_id: string | null; expected_revenue: number }[];
  unknown_customers: string[];
}

const ID = /^CUST_[0-9]{6,}$/;

/** Settles to the value, or to the problem: one lookup's parts fail on their own. */
async function settle<T>(p: Promise<T>): Promise<T | ApiProblem | Error> {
  try {
    return await p;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
const failed = (v: unknown): v is Error => v instanceof Error;

/** One customer, looked up: features, windows, segment, latest session, forecast. */
export function customerView(api: Api): View {
  const input = h('input', {
    type: 'text',
    name: 'customer',
    placeholder: 'CUST_000001',
    'aria-label': 'customer id',
    autocomplete: 'off',
  });
  const form = h('form', { class: 'lookup' }, input, h('button', { type: 'submit' }, 'Look up'));
  const search = new Panel(
    'lookup',
    'Customer lookup',
    'A customer id as the shop’s events carry it, e.g. CUST_000001.',
  );
  search.show(form);
  const profile = new Panel('profile', 'Profile');
  const features = new Panel('features', 'Features');
  const windows = new Panel('windows', 'Windows');
  const session = new Panel('session', 'Latest session');
  const forecast = new Panel('forecast', 'Next 90 days');
  const parts = [profile, features, windows, session, forecast];
  for (const p of parts) p.message('info', 'Look a customer up to see this.');
  const windowCanvas = canvasBox(200);
  const windowChart = new LiveChart(windowCanvas.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { scales: { y: { beginAtZero: true } } },
  });

  async function lookUp(id: string): Promise<void> {
    if (!ID.test(id)) {
      search.message(
        'error',
        `"${id}" is not a customer id: expected CUST_ and at least six digits, e.g. CUST_000001.`,
        true,
      );
      return;
    }
    search.clearNote();
    for (const p of parts) p.message('info', `Looking ${id} up…`);
    const enc = encodeURIComponent(id);
    const [f, seg, sessions, fc] = await Promise.all([
      settle(api.get<Features>(`/customers/${enc}/features`)),
      settle(api.get<Segment>(`/customers/${enc}/segment`)),
      settle(api.get<Session[]>(`/customers/${enc}/sessions?limit=5`)),
      settle(
        api.post<CustomerForecast>('/forecast/revenue', { horizon_days: 90, customer_ids: [id] }),
      ),
    ]);
    if (failed(f)) {
      for (const p of [profile, features, windows]) p.problem(f);
    } else {
      const fx = f.features;
      profile.show(
        table(
          [
            { label: 'what', value: (r: [string, string]) => r[0] },
            { label: 'value', value: (r: [string, string]) => r[1] },
          ],
          [
            ['customer', f.customer_id],
            ['last event', f.last_event_time ? new Date(f.last_event_time).toLocaleString() : '—'],
            [
              'segment',
              failed(seg)
                ? seg instanceof ApiProblem && seg.status === 404
                  ? 'none published yet'
                  : `unavailable: ${describe(seg)}`
                : `${seg.segment_type} (${formatPercent(seg.confidence, 0)} confident, ${seg.model} v${seg.model_version})`,
            ],
            [
              'RFM score',
              `${formatNumber(fx.rfm_score)} (R ${fx.recency_score}, F ${fx.frequency_score}, M ${fx.monetary_score})`,
            ],
            ['recency', `${formatNumber(fx.recency_days)} days`],
            ['orders', formatNumber(fx.frequency)],
            ['spend', formatMoney(fx.monetary_value)],
            ['average order', formatMoney(f.avg_order_value)],
            [
              'devices',
              Object.entries(f.device_mix)
                .map(([d, share]) => `${d} ${formatPercent(share, 0)}`)
                .join(', '),
            ],
          ],
        ),
      );
      features.show(
        h(
          'div',
          { class: 'scroll' },
          table(
            [
              { label: 'feature', value: (r: [string, number]) => r[0] },
              { label: 'value', value: (r: [string, number]) => formatNumber(r[1]), numeric: true },
            ],
            Object.entries(fx),
          ),
        ),
      );
      const spans = ['7d', '30d', '90d'];
      windows.show(windowCanvas.box);
      windowChart.set(
        spans.map((s) => `last ${s.replace('d', ' days')}`),
        ['orders', 'sessions', 'page_views'].map((k, i) => ({
          label: k.replace('_', ' '),
          data: spans.map((s) => f.windows[`${k}_${s}`] ?? 0),
          backgroundColor: colour(i),
        })),
      );
    }
    if (failed(sessions)) session.problem(sessions);
    else if (sessions.length === 0)
      session.message('empty', `No session of ${id} in the clickstream store.`);
    else await showSession(sessions);
    if (failed(fc)) forecast.problem(fc);
    else if (fc.unknown_customers.includes(id))
      forecast.message('empty', `The stream has no features of ${id}, so no forecast.`);
    else {
      const expected = fc.predictions[0]?.expected_revenue;
      forecast.show(
        h(
          'p',
          { class: 'figure' },
          h('strong', {}, formatMoney(expected)),
          ` expected revenue in the next ${fc.horizon_days} days (${fc.model_used} v${fc.model_version})`,
        ),
      );
    }
  }

  async function showSession(sessions: Session[]): Promise<void> {
    const latest = sessions[0];
    if (!latest) return;
    const enc = encodeURIComponent(latest.session_id);
    const [journey, prediction] = await Promise.all([
      settle(api.get<Journey>(`/sessions/${enc}/journey`)),
      settle(api.get<JourneyPrediction>(`/sessions/${enc}/prediction`)),
    ]);
    const live = failed(journey)
      ? journey instanceof ApiProblem && journey.status === 404
        ? h(
            'p',
            { class: 'hint' },
            'No live journey: the session has expired from the stream’s live state.',
          )
        : h('p', { class: 'notice notice-error' }, `Live journey unavailable: ${describe(journey)}`)
      : table(
          [
            { label: 'pages', value: (j: Journey) => j.pages, numeric: true },
            { label: 'depth', value: (j: Journey) => j.depth, numeric: true },
            {
              label: 'seconds on site',
              value: (j: Journey) => j.time_on_site_seconds,
              numeric: true,
            },
            { label: 'cart adds', value: (j: Journey) => j.cart_adds, numeric: true },
            { label: 'purchases', value: (j: Journey) => j.purchases, numeric: true },
            { label: 'last page', value: (j: Journey) => j.last_page_type ?? '—' },
            { label: 'ended', value: (j: Journey) => (j.ended ? 'yes' : 'no') },
          ],
          [journey],
        );
    const chance = failed(prediction)
      ? h(
          'p',
          { class: 'hint' },
          prediction instanceof ApiProblem && prediction.status === 404
            ? 'No conversion prediction for this session.'
            : `Conversion prediction unavailable: ${describe(prediction)}`,
        )
      : h(
          'p',
          { class: 'figure' },
          h('strong', {}, formatPercent(prediction.conversion_probability)),
          ` chance to convert (${prediction.model} v${prediction.model_version}, ${new Date(prediction.predicted_at).toLocaleTimeString()})`,
        );
    session.show(
      h(
        'p',
        {},
        `${latest.session_id}, started ${latest.start_time ? new Date(latest.start_time).toLocaleString() : '—'} on ${latest.device_type ?? '—'} from ${latest.traffic_source ?? '—'}${latest.converted ? ', converted' : ''}`,
      ),
      chance,
      live,
      h('h3', {}, 'Earlier sessions'),
      table(
        [
          { label: 'session', value: (s: Session) => s.session_id },
          {
            label: 'started',
            value: (s: Session) => (s.start_time ? new Date(s.start_time).toLocaleString() : '—'),
          },
          { label: 'pages', value: (s: Session) => formatNumber(s.page_views), numeric: true },
          { label: 'device', value: (s: Session) => s.device_type ?? '—' },
          { label: 'converted', value: (s: Session) => (s.converted ? 'yes' : 'no') },
        ],
        sessions.slice(1),
      ),
    );
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = input.value.trim();
    history.replaceState(null, '', `#customer/${encodeURIComponent(id)}`);
    void lookUp(id);
  });

  return {
    id: 'customer',
    title: 'Customer',
    element: h(
      'div',
      { class: 'grid' },
      search.element,
      profile.element,
      forecast.element,
      session.element,
      windows.element,
      features.element,
    ),
    refreshMs: null,
    refresh() {
      const [, wanted] = location.hash.split('/');
      if (wanted && input.value === '') {
        input.value = decodeURIComponent(wanted);
        return lookUp(input.value);
      }
      return Promise.resolve();
    },
  };
}
