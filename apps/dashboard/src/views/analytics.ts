import type { Api } from '../api';
import { colour, LiveChart } from '../charts';
import { canvasBox, h, Panel, table } from '../dom';
import { formatMoney, formatNumber, formatPercent } from '../stats';
import type { View } from '../view';

interface Paged<T> {
  items: T[];
  total: number;
}
interface Check {
  check_name: string;
  table_name: string;
  severity: string;
  description: string;
  failing_rows: number;
  checked_rows: number;
}
interface RfmSegment {
  rfm_segment: string;
  customers: number;
  share: number;
  mean_recency_days: number | null;
  mean_frequency: number;
  mean_monetary: number;
}
interface Channel {
  channel: string;
  campaigns: number;
  spend: number;
  revenue: number;
  roas: number | null;
  roi: number | null;
}
interface Experiment {
  test_id: string;
  test_name: string;
  metric: string;
  users: number;
  decision: string | null;
  winner: string | null;
  reason: string;
  srm_p_value: number | null;
  lifts:
    | {
        treatment: string;
        metric: string | null;
        relativeLift: number | null;
        relativeLower: number | null;
        relativeUpper: number | null;
        pValue: number;
        chanceToBeatControl: number;
      }[]
    | null;
}
interface Forecast {
  model_used: string;
  model_version: number;
  cutoff: string;
  interval_level: number;
  total_revenue: number;
  forecast: { date: string; revenue: number; lower: number; upper: number }[];
}
interface BatchRun {
  runId: string;
  asOf: string;
  finishedAt: string;
  status: string;
  steps: { step: string; seconds: number; tables: Record<string, number> }[];
  error: string | null;
}

/** The batch layer's answers: data quality, RFM, channels, experiments, the revenue forecast. */
export function analyticsView(api: Api): View {
  const batch = new Panel('batch', 'Last batch run');
  const quality = new Panel(
    'quality',
    'Data quality',
    'Checks with failing rows, across the three stores.',
  );
  const rfm = new Panel('rfm', 'RFM segments');
  const channels = new Panel(
    'channels',
    'ROAS by channel',
    'Revenue per unit of spend, with spend and revenue per channel.',
  );
  const experiments = new Panel(
    'experiments',
    'Experiments',
    'Relative lift of each treatment with its confidence interval, and the verdict the evidence allows.',
  );
  const forecast = new Panel(
    'forecast',
    'Revenue forecast',
    'Daily revenue for the next 90 days, with its 80% interval.',
  );
  const rfmCanvas = canvasBox(240);
  const channelCanvas = canvasBox(240);
  const forecastCanvas = canvasBox(260);
  const rfmChart = new LiveChart(rfmCanvas.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  const channelChart = new LiveChart(channelCanvas.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ROAS' } } } },
  });
  const forecastChart = new LiveChart(forecastCanvas.canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'revenue per day' } } },
    },
  });

  const loaders: [Panel, () => Promise<void>][] = [
    [
      batch,
      async () => {
        const run = await api.get<BatchRun>('/analytics/batch/last');
        batch.show(
          h(
            'p',
            { class: 'figure' },
            `${run.status} · as of ${new Date(run.asOf).toLocaleString()} · finished ${new Date(run.finishedAt).toLocaleString()} · ${formatNumber(run.steps.reduce((s, x) => s + x.seconds, 0))} s`,
          ),
          run.error ? h('p', { class: 'notice notice-error' }, run.error) : null,
          h(
            'div',
            { class: 'scroll' },
            table(
              [
                { label: 'step', value: (x: BatchRun['steps'][number]) => x.step },
                {
                  label: 'seconds',
                  value: (x: BatchRun['steps'][number]) => x.seconds.toFixed(1),
                  numeric: true,
                },
                {
                  label: 'rows produced',
                  value: (x: BatchRun['steps'][number]) =>
                    formatNumber(Object.values(x.tables).reduce((a, b) => a + b, 0)),
                  numeric: true,
                },
              ],
              run.steps,
            ),
          ),
        );
      },
    ],
    [
      quality,
      async () => {
        const all = await api.get<Paged<Check>>('/analytics/data-quality?limit=100');
        const failing = all.items.filter((c) => c.failing_rows > 0);
        quality.show(
          h(
            'p',
            { class: 'figure' },
            h('strong', {}, `${failing.length} of ${all.total}`),
            ' checks find failing rows.',
          ),
          failing.length === 0
            ? h('p', { class: 'hint' }, 'Every check passes.')
            : h(
                'div',
                { class: 'scroll' },
                table(
                  [
                    { label: 'check', value: (c: Check) => c.check_name },
                    { label: 'table', value: (c: Check) => c.table_name },
                    {
                      label: 'severity',
                      value: (c: Check) =>
                        h('span', { class: `sev sev-${c.severity}` }, c.severity),
                    },
                    {
                      label: 'failing rows',
                      value: (c: Check) =>
                        `${formatNumber(c.failing_rows)} of ${formatNumber(c.checked_rows)}`,
                      numeric: true,
                    },
                    { label: 'what', value: (c: Check) => c.description },
                  ],
                  failing,
                ),
              ),
        );
      },
    ],
    [
      rfm,
      async () => {
        const segments = await api.get<RfmSegment[]>('/analytics/rfm/segments');
        if (segments.length === 0) {
          rfm.message('empty', 'No customer has an RFM segment yet.');
          return;
        }
        rfm.show(
          rfmCanvas.box,
          table(
            [
              { label: 'segment', value: (s: RfmSegment) => s.rfm_segment },
              {
                label: 'customers',
                value: (s: RfmSegment) => formatNumber(s.customers),
                numeric: true,
              },
              { label: 'share', value: (s: RfmSegment) => formatPercent(s.share), numeric: true },
              {
                label: 'recency (days)',
                value: (s: RfmSegment) => formatNumber(s.mean_recency_days),
                numeric: true,
              },
              {
                label: 'orders',
                value: (s: RfmSegment) => formatNumber(s.mean_frequency),
                numeric: true,
              },
              {
                label: 'spend',
                value: (s: RfmSegment) => formatMoney(s.mean_monetary),
                numeric: true,
              },
            ],
            segments,
          ),
        );
        rfmChart.set(
          segments.map((s) => s.rfm_segment),
          [
            {
              label: 'customers',
              data: segments.map((s) => s.customers),
              backgroundColor: segments.map((_, i) => colour(i)),
            },
          ],
        );
      },
    ],
    [
      channels,
      async () => {
        const rows = await api.get<Channel[]>('/analytics/channels');
        if (rows.length === 0) {
          channels.message('empty', 'No campaign has reported performance yet.');
          return;
        }
        channels.show(
          channelCanvas.box,
          table(
            [
              { label: 'channel', value: (c: Channel) => c.channel },
              { label: 'campaigns', value: (c: Channel) => c.campaigns, numeric: true },
              { label: 'spend', value: (c: Channel) => formatMoney(c.spend), numeric: true },
              { label: 'revenue', value: (c: Channel) => formatMoney(c.revenue), numeric: true },
              { label: 'ROAS', value: (c: Channel) => formatNumber(c.roas), numeric: true },
              { label: 'ROI', value: (c: Channel) => formatPercent(c.roi), numeric: true },
            ],
            rows,
          ),
        );
        channelChart.set(
          rows.map((c) => c.channel),
          [
            {
              label: 'ROAS',
              data: rows.map((c) => c.roas ?? 0),
              backgroundColor: rows.map((_, i) => colour(i)),
            },
          ],
        );
      },
    ],
    [
      experiments,
      async () => {
        const list = await api.get<Paged<Experiment>>('/analytics/experiments?limit=100');
        if (list.items.length === 0) {
          experiments.message('empty', 'No experiment has been analysed yet.');
          return;
        }
        const rows = list.items.flatMap((e) => (e.lifts ?? [null]).map((l) => ({ e, l })));
        experiments.show(
          h(
            'div',
            { class: 'scroll' },
            table(
              [
                { label: 'test', value: (r: (typeof rows)[number]) => r.e.test_name },
                { label: 'metric', value: (r: (typeof rows)[number]) => r.l?.metric ?? r.e.metric },
                {
                  label: 'users',
                  value: (r: (typeof rows)[number]) => formatNumber(r.e.users),
                  numeric: true,
                },
                { label: 'treatment', value: (r: (typeof rows)[number]) => r.l?.treatment ?? '—' },
                {
                  label: 'lift',
                  value: (r: (typeof rows)[number]) => formatPercent(r.l?.relativeLift),
                  numeric: true,
                },
                {
                  label: 'interval of the lift',
                  value: (r: (typeof rows)[number]) =>
                    r.l
                      ? `${formatPercent(r.l.relativeLower)} to ${formatPercent(r.l.relativeUpper)}`
                      : '—',
                },
                {
                  label: 'p',
                  value: (r: (typeof rows)[number]) => (r.l ? r.l.pValue.toFixed(4) : '—'),
                  numeric: true,
                },
                {
                  label: 'chance to beat control',
                  value: (r: (typeof rows)[number]) => formatPercent(r.l?.chanceToBeatControl),
                  numeric: true,
                },
                {
                  label: 'verdict',
                  value: (r: (typeof rows)[number]) =>
                    h(
                      'span',
                      {
                        class: `verdict verdict-${(r.e.decision ?? 'none').replace(/[^a-z]+/gi, '-')}`,
                        title: r.e.reason,
                      },
                      r.e.decision ?? 'none',
                    ),
                },
              ],
              rows,
            ),
          ),
        );
      },
    ],
    [
      forecast,
      async () => {
        const f = await api.post<Forecast>('/forecast/revenue', {
          horizon_days: 90,
          interval_level: 80,
        });
        forecast.show(
          h(
            'p',
            { class: 'figure' },
            h('strong', {}, formatMoney(f.total_revenue)),
            ` expected over ${f.forecast.length} days from ${f.cutoff.slice(0, 10)} (${f.model_used} v${f.model_version})`,
          ),
          forecastCanvas.box,
        );
        const labels = f.forecast.map((d) => d.date.slice(0, 10));
        forecastChart.set(labels, [
          {
            label: `${f.interval_level}% upper`,
            data: f.forecast.map((d) => d.upper),
            borderColor: 'transparent',
            backgroundColor: `${colour(0)}33`,
            pointRadius: 0,
            fill: '+1',
          },
          {
            label: `${f.interval_level}% lower`,
            data: f.forecast.map((d) => d.lower),
            borderColor: 'transparent',
            backgroundColor: `${colour(0)}33`,
            pointRadius: 0,
            fill: false,
          },
          {
            label: 'expected',
            data: f.forecast.map((d) => d.revenue),
            borderColor: colour(0),
            backgroundColor: colour(0),
            pointRadius: 0,
            fill: false,
          },
        ]);
      },
    ],
  ];

  return {
    id: 'analytics',
    title: 'Analytics',
    element: h(
      'div',
      { class: 'grid' },
      batch.element,
      quality.element,
      rfm.element,
      channels.element,
      experiments.element,
      forecast.element,
    ),
    refreshMs: 60_000,
    async refresh() {
      await Promise.all(
        loaders.map(async ([panel, load]) => {
          try {
            await load();
          } catch (err) {
            panel.problem(err);
          }
        }),
      );
    },
  };
}
