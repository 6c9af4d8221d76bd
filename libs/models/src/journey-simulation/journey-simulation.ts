import { seededRandom } from '../random';

/** A row of the batch's page_transitions: P(next page | page), ENTRY and EXIT included. */
export interface PageTransition {
  readonly from_page: string;
  readonly to_page: string;
  readonly probability: number;
}

export const ENTRY = 'ENTRY';
export const EXIT = 'EXIT';
/** The page a session reaches when its order is placed. */
export const CONVERSION_PAGE = 'confirmation';

export interface SimulationOptions {
  readonly simulations: number;
  readonly maxSteps: number;
  readonly seed: number;
}

export interface SimulatedPath {
  /** The first pages of the simulated path after the start (at most 5). */
  readonly path: readonly string[];
  readonly share: number;
  readonly conversionRate: number;
}

export interface SimulationResult {
  readonly start: string;
  readonly simulations: number;
  /** Share of simulated sessions that reached the conversion page. */
  readonly conversionProbability: number;
  /** 95% Wilson interval of that share: the simulation's own uncertainty. */
  readonly conversionInterval: { readonly lower: number; readonly upper: number };
  /** The same probability solved exactly on the chain (no step limit). */
  readonly exactConversionProbability: number;
  /** Mean pages until the session ends (converted or not), the step limit counting as an end. */
  readonly expectedSteps: number;
  /** Mean pages until conversion, over the sessions that convert; null if none did. */
  readonly expectedStepsToConversion: number | null;
  /** Sessions the step limit cut short. */
  readonly truncated: number;
  readonly nextPages: readonly { readonly page: string; readonly probability: number }[];
  readonly topPaths: readonly SimulatedPath[];
}

type Chain = Map<string, { pages: string[]; cumulative: Float64Array; probabilities: number[] }>;

/** The transition table as a chain; each page's probabilities are normalized to sum to 1. */
export function buildChain(transitions: readonly PageTransition[]): Chain {
  const rows = new Map<string, PageTransition[]>();
  for (const t of transitions) {
    if (!(t.probability >= 0) || !Number.isFinite(t.probability)) {
      throw new RangeError(
        `transition ${t.from_page} → ${t.to_page}: probability ${t.probability} is not a probability`,
      );
    }
    rows.set(t.from_page, [...(rows.get(t.from_page) ?? []), t]);
  }
  const chain: Chain = new Map();
  for (const [page, out] of rows) {
    const total = out.reduce((s, t) => s + t.probability, 0);
    if (total <= 0) continue;
    const sorted = [...out].sort(
      (a, b) => b.probability - a.probability || a.to_page.localeCompare(b.to_page),
    );
    const cumulative = new Float64Array(sorted.length);
    let run = 0;
    sorted.forEach((t, i) => {
      run += t.probability / total;
      cumulative[i] = run;
    });
    chain.set(page, {
      pages: sorted.map((t) => t.to_page),
      cumulative,
      probabilities: sorted.map((t) => t.probability / total),
    });
  }
  return chain;
}

/**
 * P(reaching `target` before EXIT) from each page, solved on the absorbing chain by value
 * iteration to 1e-12 (pages are few, so this converges in a few hundred sweeps at most).
 */
export function absorptionProbabilities(
  chain: Chain,
  target = CONVERSION_PAGE,
): Map<string, number> {
  const p = new Map<string, number>([...chain.keys()].map((k) => [k, 0]));
  p.set(target, 1);
  p.set(EXIT, 0);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let change = 0;
    for (const [page, row] of chain) {
      if (page === target) continue;
      let value = 0;
      row.pages.forEach((next, i) => {
        value += (row.probabilities[i] ?? 0) * (p.get(next) ?? 0);
      });
      change = Math.max(change, Math.abs(value - (p.get(page) ?? 0)));
      p.set(page, value);
    }
    if (change < 1e-12) break;
  }
  return p;
}

function wilson(successes: number, n: number): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  const z = 1.959963984540054;
  const phat = successes / n;
  const denominator = 1 + (z * z) / n;
  const centre = (phat + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + (z * z) / (4 * n * n))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Simulates sessions from a page on the batch's page-transition chain: each step draws the
 * next page from the current one's transition probabilities, until EXIT, the conversion page,
 * or the step limit. Seeded, so the same request gives the same answer.
 */
export function simulateJourneys(
  transitions: readonly PageTransition[],
  start: string,
  options: SimulationOptions,
): SimulationResult {
  const chain = buildChain(transitions);
  if (!chain.has(start) && start !== CONVERSION_PAGE) {
    throw new RangeError(
      `start page ${start}: no transitions leave it; known pages are ${[...chain.keys()].sort().join(', ')}`,
    );
  }
  const random = seededRandom(options.seed);
  let converted = 0;
  let steps = 0;
  let stepsToConversion = 0;
  let truncated = 0;
  const paths = new Map<string, { n: number; converted: number }>();
  for (let s = 0; s < options.simulations; s++) {
    let page = start;
    let taken = 0;
    const prefix: string[] = [];
    let done = page === CONVERSION_PAGE;
    let didConvert = done;
    while (!done) {
      if (taken >= options.maxSteps) {
        truncated += 1;
        break;
      }
      const row = chain.get(page);
      if (!row) break;
      const u = random();
      let i = 0;
      while (i < row.cumulative.length - 1 && u >= (row.cumulative[i] ?? 1)) i++;
      page = row.pages[i] ?? EXIT;
      taken += 1;
      if (prefix.length < 5) prefix.push(page);
      if (page === EXIT) done = true;
      else if (page === CONVERSION_PAGE) {
        done = true;
        didConvert = true;
      }
    }
    steps += taken;
    if (didConvert) {
      converted += 1;
      stepsToConversion += taken;
    }
    const key = prefix.join(' > ');
    const entry = paths.get(key) ?? { n: 0, converted: 0 };
    entry.n += 1;
    if (didConvert) entry.converted += 1;
    paths.set(key, entry);
  }
  const n = options.simulations;
  const row = chain.get(start);
  return {
    start,
    simulations: n,
    conversionProbability: converted / n,
    conversionInterval: wilson(converted, n),
    exactConversionProbability: absorptionProbabilities(chain).get(start) ?? 0,
    expectedSteps: steps / n,
    expectedStepsToConversion: converted > 0 ? stepsToConversion / converted : null,
    truncated,
    nextPages: (row?.pages ?? [])
      .slice(0, 5)
      .map((page, i) => ({ page, probability: row?.probabilities[i] ?? 0 })),
    topPaths: [...paths.entries()]
      .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([key, v]) => ({
        path: key ? key.split(' > ') : [],
        share: v.n / n,
        conversionRate: v.converted / v.n,
      })),
  };
}
