import type { Api } from '../api';
import { colour, LiveChart } from '../charts';
import { canvasBox, describe, h, Panel } from '../dom';
import { formatPercent, histogram, histogramLabels, SegmentTally, Window } from '../stats';
import type { View } from '../view';

interface SegmentPrediction {
  prediction_type: 'segment';
  customer_id: string;
  segment: number;
  segment_type: string;
  previous_segment: number | null;
  confidence: number;
  model: string;
  model_version: number;
  predicted_at: string;
  features_updated_at: string;
}
interface JourneyPrediction {
  prediction_type: 'journey';
  session_id: string;
  customer_id: string | null;
  conversion_probability: number;
  pages: number;
  last_page_type: string | null;
  ended: boolean;
  model: string;
  model_version: number;
  predicted_at: string;
}
type Prediction = SegmentPrediction | JourneyPrediction;

const FEED_ROWS = 40;
const BINS = 10;
const POINTS = 60;

/**
 * The stream's predictions as they are published: a live feed (server-sent events through a
 * fetch stream, so the key travels in a header), each customer's current segment counted over
 * time, and the distribution of live sessions' conversion probabilities.
 */
export function predictionsView(api: Api): View {
  const feed = new Panel(
    'feed',
    'Live predictions',
    'Newest first, as the processor publishes them.',
  );
  const segments = new Panel(
    'segments',
    'Segment distribution over time',
    'Customers per segment, among those whose segment was published since this page opened (and the latest before).',
  );
  const conversion = new Panel(
    'conversion',
    'Conversion probability of sessions',
    'Each session’s latest probability, in 10 bins.',
  );
  const status = h('p', { class: 'hint', 'data-role': 'feed-status' }, 'connecting…');
  const list = h('ol', { class: 'feed', 'data-role': 'feed' });
  feed.show(status, list);
  const segCanvas = canvasBox(260);
  const convCanvas = canvasBox(260);
  const segChart = new LiveChart(segCanvas.canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      scales: {
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'customers' } },
      },
    },
  });
  const convChart = new LiveChart(convCanvas.canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'sessions' } } } },
  });
  segments.show(segCanvas.box);
  conversion.show(convCanvas.box);
  segments.message(
    'empty',
    'No segment prediction yet: they appear as customers’ features change, once a segmentation model is active.',
    true,
  );
  conversion.message(
    'empty',
    'No journey prediction yet: they appear as sessions progress, once the journey model is active.',
    true,
  );

  const tally = new SegmentTally();
  const sessions = new Map<string, number>();
  const times = new Window<string>(POINTS);
  const shares = new Map<string, Window<number>>();
  let received = 0;
  let controller: AbortController | undefined;
  let dirty = false;

  function item(p: Prediction): HTMLElement {
    const at = new Date(p.predicted_at).toLocaleTimeString();
    if (p.prediction_type === 'segment') {
      return h(
        'li',
        { class: 'feed-segment' },
        h('time', {}, at),
        h('span', { class: 'tag' }, 'segment'),
        `${p.customer_id} → ${p.segment_type}`,
        p.previous_segment === null ? '' : ` (was ${p.previous_segment})`,
        h(
          'span',
          { class: 'muted' },
          ` ${formatPercent(p.confidence, 0)} confident · ${p.model} v${p.model_version}`,
        ),
      );
    }
    return h(
      'li',
      { class: 'feed-journey' },
      h('time', {}, at),
      h('span', { class: 'tag tag-journey' }, 'journey'),
      `${p.session_id}: ${formatPercent(p.conversion_probability)} to convert`,
      h(
        'span',
        { class: 'muted' },
        ` after ${p.pages} page${p.pages === 1 ? '' : 's'}${p.last_page_type ? ` (${p.last_page_type})` : ''}${p.ended ? ', ended' : ''} · ${p.model} v${p.model_version}`,
      ),
    );
  }

  const showCount = () => {
    status.textContent = `connected · ${received} prediction${received === 1 ? '' : 's'} received`;
  };

  function onPrediction(p: Prediction): void {
    received++;
    showCount();
    if (p.prediction_type === 'segment') tally.add(p);
    else sessions.set(p.session_id, p.conversion_probability);
    list.prepend(item(p));
    while (list.children.length > FEED_ROWS) list.lastElementChild?.remove();
    dirty = true;
  }

  function draw(): void {
    if (controller) showCount();
    // Nothing to draw before the first prediction, and nothing new since the last look.
    if (received === 0 || (!dirty && times.values.length > 0)) return;
    dirty = false;
    const counts = tally.counts();
    times.push(new Date().toLocaleTimeString());
    for (const [name] of counts) {
      if (!shares.has(name)) {
        const w = new Window<number>(POINTS);
        for (let i = 0; i < times.values.length - 1; i++) w.push(0);
        shares.set(name, w);
      }
    }
    const now = new Map(counts);
    for (const [name, w] of shares) w.push(now.get(name) ?? 0);
    if (tally.customers > 0) {
      segments.clearNote();
      segChart.set(
        times.values,
        [...shares.entries()].map(([name, w], i) => ({
          label: name,
          data: [...w.values],
          borderColor: colour(i),
          backgroundColor: `${colour(i)}55`,
          fill: true,
          pointRadius: 0,
        })),
      );
    }
    if (sessions.size > 0) {
      conversion.clearNote();
      convChart.set(histogramLabels(BINS), [
        {
          label: `${sessions.size} sessions`,
          data: histogram([...sessions.values()], BINS),
          backgroundColor: colour(0),
        },
      ]);
    }
  }

  async function follow(): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    try {
      await api.stream(
        '/predictions/live?backlog=200',
        (e) => {
          if (e.event !== 'segment' && e.event !== 'journey') return;
          try {
            onPrediction(JSON.parse(e.data) as Prediction);
          } catch {
            // a malformed event is skipped; the stream goes on
          }
        },
        mine.signal,
      );
      if (!mine.signal.aborted) feed.message('error', 'The live stream ended; reconnecting…', true);
    } catch (err) {
      if (mine.signal.aborted) return;
      feed.message(
        'error',
        `Live predictions unavailable: ${describe(err)}. Retrying every 5 s.`,
        true,
      );
      status.textContent = 'not connected';
    }
    if (controller === mine) controller = undefined;
  }

  return {
    id: 'predictions',
    title: 'Predictions',
    element: h('div', { class: 'grid' }, feed.element, segments.element, conversion.element),
    refreshMs: 5_000,
    refresh() {
      if (!controller) {
        feed.clearNote();
        void follow();
      }
      if (received === 0 && controller) {
        feed.message(
          'empty',
          'Connected; no prediction yet. They arrive as events flow through the processor with models active.',
          true,
        );
      } else if (received > 0) feed.clearNote();
      draw();
      return Promise.resolve();
    },
    hide() {
      controller?.abort();
      controller = undefined;
    },
  };
}
