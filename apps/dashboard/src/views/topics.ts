import type { Api } from '../api';
import { colour, LiveChart } from '../charts';
import { canvasBox, h, Panel, table } from '../dom';
import { formatNumber, messageRates, Window } from '../stats';
import type { View } from '../view';

interface TopicState {
  name: string;
  topic: string;
  exists: boolean;
  partitions: { partition: number; start: number; end: number }[];
  messages: number;
  endOffsets: number;
}
interface GroupState {
  group: string;
  service: string;
  state: string;
  members: number;
  lag: number;
  partitions: {
    topic: string;
    partition: number;
    committed: number | null;
    end: number;
    lag: number;
  }[];
}
interface Topics {
  topics: TopicState[];
  groups: GroupState[];
  measured_at: string;
}
interface Health {
  status: string;
  dependencies: {
    name: string;
    endpoint: string;
    status: 'up' | 'down';
    latencyMs: number;
    error?: string;
  }[];
}
interface DeadLetters {
  topic: string;
  exists: boolean;
  held: number;
  letters: {
    offset: string;
    failed_at: string;
    stage: string;
    reason: string;
    problems: { path: string; message: string }[];
    source: { topic: string; partition: number; offset: string; key: string | null };
    event_type: string | null;
  }[];
}

const POINTS = 60;

/** Topics, consumer lag, dead letters and the health of every part: what operators watch. */
export function topicsView(api: Api): View {
  const health = new Panel(
    'health',
    'Services',
    'The API’s dependencies, and the stream services seen through their consumer groups.',
  );
  const topics = new Panel(
    'topics',
    'Topics',
    'Partitions, end offsets and messages per second, polled every 5 s.',
  );
  const rates = new Panel('rates', 'Messages per second');
  const lag = new Panel(
    'lag',
    'Consumer lag over time',
    'Messages each group has not committed yet, from the Kafka admin API: every group, or one group per partition.',
  );
  const pick = h(
    'select',
    { 'aria-label': 'group', 'data-role': 'lag-group' },
    h('option', { value: '' }, 'every group (total)'),
  );
  const partitions = new Panel('partitions', 'Lag per partition');
  const dlq = new Panel(
    'dlq',
    'Dead letters',
    'The newest refused records: why, where, and from which offset.',
  );
  const rateCanvas = canvasBox(220);
  const lagCanvas = canvasBox(220);
  const rateChart = new LiveChart(rateCanvas.canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'messages/s' } } } },
  });
  const lagChart = new LiveChart(lagCanvas.canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'messages behind' } } },
    },
  });
  rates.show(rateCanvas.box);
  lag.show(pick, lagCanvas.box);
  let previous: { at: number; ends: Map<string, number> } | undefined;
  const times = new Window<string>(POINTS);
  const rateSeries = new Map<string, Window<number | null>>();
  const lagSeries = new Map<string, Window<number>>();
  /** Per group, each partition's lag over time, keyed `topic [partition]`. */
  const partitionSeries = new Map<string, Map<string, Window<number>>>();
  let last: Topics | undefined;
  const series = <T>(map: Map<string, Window<T>>, key: string): Window<T> => {
    let w = map.get(key);
    if (!w) {
      w = new Window<T>(POINTS);
      // A series that starts late is padded, so every line ends at the latest look.
      for (let i = 0; i < times.values.length - 1; i++) w.push(null as T);
      map.set(key, w);
    }
    return w;
  };

  const element = h(
    'div',
    { class: 'grid' },
    health.element,
    topics.element,
    rates.element,
    lag.element,
    partitions.element,
    dlq.element,
  );

  async function refreshHealth(groups: GroupState[] | undefined): Promise<void> {
    try {
      const report = await api.getEvenIfUnavailable<Health>('/health');
      const services = groups
        ? [
            serviceRow(
              'sink',
              groups.filter((g) => g.service === 'sink'),
            ),
            serviceRow(
              'processor',
              groups.filter((g) => g.service === 'processor'),
            ),
          ]
        : [];
      health.show(
        table(
          [
            { label: 'part', value: (r: Row) => r.name },
            { label: 'where', value: (r: Row) => r.endpoint },
            {
              label: 'state',
              value: (r: Row) =>
                h('span', { class: `state state-${r.ok ? 'up' : 'down'}` }, r.state),
            },
            { label: 'detail', value: (r: Row) => r.detail },
          ],
          [
            ...report.dependencies.map((d) => ({
              name: d.name,
              endpoint: d.endpoint,
              ok: d.status === 'up',
              state: d.status,
              detail: d.error ?? `${d.latencyMs} ms`,
            })),
            ...services,
          ],
        ),
      );
      if (report.status !== 'ok') {
        const down = report.dependencies.filter((d) => d.status === 'down').map((d) => d.name);
        health.message('error', `Down: ${down.join(', ')}. Views that need them say so.`, true);
      }
    } catch (err) {
      health.problem(err);
    }
  }

  /** Every group's total, or the chosen group's partitions, over the looks so far. */
  function drawLag(): void {
    if (!last) return;
    const chosen = pick.value;
    const lines = chosen
      ? [...(partitionSeries.get(chosen) ?? new Map<string, Window<number>>())]
      : last.groups.map((g) => [g.group, series(lagSeries, g.group)] as const);
    lagChart.set(
      times.values,
      lines.map(([label, w], i) => ({
        label,
        data: [...w.values],
        borderColor: colour(i),
        backgroundColor: colour(i),
        pointRadius: 0,
        spanGaps: true,
      })),
    );
  }
  pick.addEventListener('change', drawLag);

  async function refreshTopics(): Promise<GroupState[] | undefined> {
    let body: Topics;
    try {
      body = await api.get<Topics>('/ops/topics');
    } catch (err) {
      for (const p of [topics, rates, lag, partitions]) p.problem(err, p === rates || p === lag);
      return undefined;
    }
    const now = {
      at: Date.parse(body.measured_at),
      ends: new Map(body.topics.map((t) => [t.topic, t.endOffsets])),
    };
    const perSecond = messageRates(previous, now);
    previous = now;
    times.push(new Date(now.at).toLocaleTimeString());
    for (const t of body.topics) series(rateSeries, t.name).push(perSecond.get(t.topic) ?? null);
    for (const g of body.groups) series(lagSeries, g.group).push(g.lag);
    topics.show(
      table(
        [
          { label: 'stream', value: (t: TopicState) => t.name },
          { label: 'topic', value: (t: TopicState) => t.topic },
          {
            label: 'partitions',
            value: (t: TopicState) => (t.exists ? t.partitions.length : 'not created yet'),
            numeric: true,
          },
          { label: 'held', value: (t: TopicState) => formatNumber(t.messages), numeric: true },
          {
            label: 'end offsets',
            value: (t: TopicState) => formatNumber(t.endOffsets),
            numeric: true,
          },
          {
            label: 'messages/s',
            value: (t: TopicState) => formatNumber(perSecond.get(t.topic) ?? null),
            numeric: true,
          },
        ],
        body.topics,
      ),
    );
    rateChart.set(
      times.values,
      body.topics.map((t, i) => ({
        label: t.name,
        data: [...series(rateSeries, t.name).values],
        borderColor: colour(i),
        backgroundColor: colour(i),
        pointRadius: 0,
        spanGaps: true,
      })),
    );
    rates.clearNote();
    for (const g of body.groups) {
      let byPartition = partitionSeries.get(g.group);
      if (!byPartition)
        partitionSeries.set(g.group, (byPartition = new Map<string, Window<number>>()));
      for (const p of g.partitions) series(byPartition, `${p.topic} [${p.partition}]`).push(p.lag);
      if (![...pick.options].some((o) => o.value === g.group)) {
        pick.append(h('option', { value: g.group }, g.group));
      }
    }
    last = body;
    drawLag();
    lag.clearNote();
    const rows = body.groups.flatMap((g) =>
      g.partitions.map((p) => ({ group: g.group, state: g.state, ...p })),
    );
    partitions.show(
      h(
        'div',
        { class: 'scroll' },
        table(
          [
            { label: 'group', value: (r: (typeof rows)[number]) => r.group },
            { label: 'state', value: (r: (typeof rows)[number]) => r.state },
            { label: 'topic', value: (r: (typeof rows)[number]) => r.topic },
            { label: 'partition', value: (r: (typeof rows)[number]) => r.partition, numeric: true },
            {
              label: 'committed',
              value: (r: (typeof rows)[number]) =>
                r.committed === null ? 'nothing' : formatNumber(r.committed),
              numeric: true,
            },
            {
              label: 'end',
              value: (r: (typeof rows)[number]) => formatNumber(r.end),
              numeric: true,
            },
            {
              label: 'lag',
              value: (r: (typeof rows)[number]) => formatNumber(r.lag),
              numeric: true,
            },
          ],
          rows,
        ),
      ),
    );
    return body.groups;
  }

  async function refreshDeadLetters(): Promise<void> {
    try {
      const body = await api.get<DeadLetters>('/ops/dead-letters?limit=20');
      if (!body.exists) {
        dlq.message(
          'empty',
          `No dead letters: ${body.topic} is created when the sink or the processor starts.`,
        );
        return;
      }
      if (body.letters.length === 0) {
        dlq.message(
          'empty',
          `No dead letters: ${body.topic} holds none. Every record so far was accepted.`,
        );
        return;
      }
      dlq.show(
        h(
          'p',
          { class: 'figure' },
          h('strong', {}, formatNumber(body.held)),
          ` held on ${body.topic}; the newest ${body.letters.length}:`,
        ),
        table(
          [
            {
              label: 'failed at',
              value: (l: DeadLetters['letters'][number]) => new Date(l.failed_at).toLocaleString(),
            },
            { label: 'stage', value: (l: DeadLetters['letters'][number]) => l.stage },
            {
              label: 'reason',
              value: (l: DeadLetters['letters'][number]) =>
                [l.reason, ...l.problems.map((p) => `${p.path}: ${p.message}`)].join('; '),
            },
            {
              label: 'event',
              value: (l: DeadLetters['letters'][number]) => l.event_type ?? 'unknown',
            },
            {
              label: 'source',
              value: (l: DeadLetters['letters'][number]) =>
                `${l.source.topic} [${l.source.partition}] @ ${l.source.offset}`,
            },
          ],
          body.letters,
        ),
      );
    } catch (err) {
      dlq.problem(err);
    }
  }

  return {
    id: 'topics',
    title: 'Topics',
    element,
    refreshMs: 5_000,
    async refresh() {
      const groups = await refreshTopics();
      await Promise.all([refreshHealth(groups), refreshDeadLetters()]);
    },
  };
}

interface Row {
  name: string;
  endpoint: string;
  ok: boolean;
  state: string;
  detail: string;
}

/** A stream service as its groups show it: running while they have members. */
function serviceRow(name: string, groups: GroupState[]): Row {
  const members = groups.reduce((n, g) => Math.max(n, g.members), 0);
  const lag = groups.reduce((n, g) => n + g.lag, 0);
  return {
    name,
    endpoint: groups.map((g) => g.group).join(', ') || '—',
    ok: members > 0,
    state: members > 0 ? 'running' : 'not running',
    detail: `${members} member${members === 1 ? '' : 's'}, ${formatNumber(lag)} behind`,
  };
}
