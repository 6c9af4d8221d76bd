import { en, Faker } from '@faker-js/faker';
import {
  ACQUISITION_CHANNELS,
  AGE_GROUPS,
  type AmatoEvent,
  CAMPAIGN_TYPES,
  createEvent,
  type CustomerPayload,
  EDUCATION_LEVELS,
  INCOME_BRACKETS,
  type InteractionPayload,
  type LineItem,
  MARITAL_STATUSES,
  MARKETING_CHANNELS,
  type PageViewPayload,
  type ProductInteractionPayload,
  type TransactionPayload,
  TRAFFIC_SOURCES,
  VARIANTS,
} from '@amato/contracts';
import { allocate } from './allocate';
import {
  CAMPAIGN_QUALITY_SIGMA,
  CAMPAIGN_SEGMENTS,
  CONVERSION_VALUE,
  expectedCampaignRevenue,
} from './campaign-response';
import { DAY_MS, isoDate, seasonalTime, startOfDay } from './calendar';
import { buildCatalog, type Product } from './catalog';
import {
  type Exposure,
  type ExperimentWindow,
  ExperimentTally,
  findExposures,
  plantLift,
  type Visit,
} from './experiments';
import { TimeHeap } from './heap';
import { Random, WeightedTable } from './random';
import { volumesAt, type Volumes } from './volumes';

export interface DatasetOptions {
  readonly seed: number;
  readonly scale: number;
  /** The end of the simulated period (exclusive); the period is the `days` before it. */
  readonly end: Date;
  readonly days?: number;
}

/** How many rows each table or collection receives when the whole dataset is sunk. */
export interface ExpectedCounts {
  customers: number;
  customer_demographics: number;
  transactions: number;
  transaction_items: number;
  campaigns: number;
  campaign_performance: number;
  ab_tests: number;
  ab_test_exposures: number;
  ab_test_results: number;
  sessions: number;
  page_views: number;
  events: number;
  product_interactions: number;
  search_queries: number;
}

interface Customer {
  readonly index: number;
  readonly payload: CustomerPayload;
  readonly registeredAt: number;
  readonly propensity: number;
}

interface Campaign {
  readonly id: string;
  readonly channel: (typeof MARKETING_CHANNELS)[number];
  readonly start: number;
  readonly days: number;
  readonly budget: number;
}

interface SessionPlan {
  readonly id: string;
  readonly customer: Customer | null;
  readonly start: number;
  readonly pageViews: number;
  readonly interactions: number;
  readonly productInteractions: number;
  readonly searches: number;
  readonly order: OrderPlan | null;
  readonly campaign: Campaign | null;
  readonly trafficSource: (typeof TRAFFIC_SOURCES)[number];
  /** The A/B tests this session is the customer's first visit in. */
  readonly exposures: readonly Exposure[];
}

/** An event planned ahead, or one (an A/B test's results) that sums what comes before it. */
type PlannedEvent = AmatoEvent | ((tally: ExperimentTally) => AmatoEvent);

const NO_EXPOSURES: readonly Exposure[] = [];

interface OrderPlan {
  readonly id: string;
  readonly customer: Customer;
  readonly items: number;
}

const CAMPAIGN_SOURCE: Record<Campaign['channel'], (typeof TRAFFIC_SOURCES)[number]> = {
  email: 'email',
  social: 'social',
  search: 'paid_search',
  display: 'display',
  affiliate: 'affiliate',
  video: 'social',
};

const ORGANIC_SOURCES: readonly (readonly [(typeof TRAFFIC_SOURCES)[number], number])[] = [
  ['direct', 0.32],
  ['organic_search', 0.38],
  ['referral', 0.1],
  ['social', 0.12],
  ['email', 0.08],
];

const DEVICES = new WeightedTable([
  ['mobile', 0.55],
  ['desktop', 0.35],
  ['tablet', 0.1],
] as const);

const CLIENTS: Record<'mobile' | 'desktop' | 'tablet', WeightedTable<readonly [string, string]>> = {
  mobile: new WeightedTable([
    [['Safari', 'iOS'], 0.52],
    [['Chrome', 'Android'], 0.44],
    [['Samsung Internet', 'Android'], 0.04],
  ]),
  desktop: new WeightedTable([
    [['Chrome', 'Windows'], 0.5],
    [['Safari', 'macOS'], 0.2],
    [['Edge', 'Windows'], 0.15],
    [['Firefox', 'Windows'], 0.08],
    [['Chrome', 'macOS'], 0.07],
  ]),
  tablet: new WeightedTable([
    [['Safari', 'iPadOS'], 0.7],
    [['Chrome', 'Android'], 0.3],
  ]),
};

// Hot-path choices, prepared once (see WeightedTable).
const LANDING_PAGES = new WeightedTable<PageViewPayload['page_type']>([
  ['home', 0.45],
  ['category', 0.25],
  ['product', 0.25],
  ['content', 0.05],
]);
const NEXT_PAGES = new WeightedTable<PageViewPayload['page_type']>([
  ['product', 0.45],
  ['category', 0.25],
  ['search', 0.12],
  ['home', 0.06],
  ['cart', 0.06],
  ['account', 0.03],
  ['content', 0.03],
]);
const QUANTITIES = new WeightedTable([
  [1, 0.75],
  [2, 0.17],
  [3, 0.06],
  [4, 0.02],
]);
const PAYMENT_METHOD_TABLE = new WeightedTable<TransactionPayload['payment_method']>([
  ['card', 0.45],
  ['paypal', 0.25],
  ['bank_transfer', 0.05],
  ['apple_pay', 0.12],
  ['google_pay', 0.1],
  ['gift_card', 0.03],
]);
const ORDER_STATUS_TABLE = new WeightedTable<TransactionPayload['order_status']>([
  ['delivered', 0.7],
  ['shipped', 0.12],
  ['completed', 0.08],
  ['returned', 0.07],
  ['cancelled', 0.03],
]);
const ACTIONS = [
  ['add_to_cart', 0.4],
  ['remove_from_cart', 0.1],
  ['wishlist_add', 0.15],
  ['coupon_applied', 0.05],
  ['checkout_start', 0.15],
] as const;
const KNOWN_ACTIONS = new WeightedTable<InteractionPayload['interaction_type']>([
  ...ACTIONS,
  ['login', 0.15],
]);
const ANONYMOUS_ACTIONS = new WeightedTable<InteractionPayload['interaction_type']>([
  ...ACTIONS,
  ['signup', 0.15],
]);
const PRODUCT_ACTIONS = new WeightedTable<ProductInteractionPayload['interaction_type']>([
  ['view', 0.35],
  ['zoom', 0.2],
  ['image_swipe', 0.2],
  ['review_read', 0.12],
  ['compare', 0.08],
  ['size_guide', 0.05],
]);

/** Shares the reference data does not fix. */
const ANONYMOUS_SESSION_SHARE = 0.3;
const CAMPAIGN_DRIVEN_SHARE = 0.35;
const ONLINE_ORDER_SHARE = 0.5;
const BOUNCE_RATE = 0.35;
const UPDATED_CUSTOMER_SHARE = 0.2;

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A synthetic, internally consistent shop: customers with demographics, their orders and line
 * items, campaigns with daily performance, A/B tests with a recorded true lift, and the
 * clickstream of every session. Deterministic: the same options give the same events.
 */
export class Dataset {
  readonly volumes: Volumes;
  readonly expected: ExpectedCounts;
  private readonly from: number;
  private readonly to: number;
  private readonly random: Random;
  private readonly faker: Faker;
  private readonly catalog: Product[];
  private readonly products: WeightedTable<Product>;
  private readonly customers: Customer[] = [];
  private readonly campaigns: Campaign[] = [];
  /** Customer, campaign, test and in-store order events: [time, event], sorted once planned. */
  private readonly entityEvents: [number, PlannedEvent][] = [];
  private sessions: SessionPlan[] = [];
  private readonly tests: ExperimentWindow[] = [];
  /** Each customer's in-store order times, by customer index. */
  private readonly storeOrderTimes: number[][] = [];
  private exposures: readonly Exposure[] = [];
  private exposuresByCustomer: ReadonlyMap<string, readonly number[]> = new Map();
  /** Fixed at construction, so every call of events() yields the same events. */
  private readonly clickstreamSeed: number;

  constructor(readonly options: DatasetOptions) {
    this.volumes = volumesAt(options.scale);
    this.to = options.end.getTime();
    this.from = this.to - (options.days ?? 730) * DAY_MS;
    this.random = new Random(options.seed);
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(options.seed);
    this.catalog = buildCatalog(this.faker, this.random.fork('catalog'));
    this.clickstreamSeed = Math.floor(this.random.next() * 2 ** 32);
    this.products = new WeightedTable(this.catalog.map((p) => [p, p.popularity] as const));
    this.planCustomers();
    this.planCampaigns();
    this.planAbTests();
    const customerUpdates = this.planCustomerUpdates();
    this.planOrdersAndSessions();
    this.planExposures();
    // Stable: equal times keep the order they were planned in (a customer before their update).
    this.entityEvents.sort((a, b) => a[0] - b[0]);
    const v = this.volumes;
    this.expected = {
      customers: v.customers,
      customer_demographics: v.customers,
      transactions: v.transactions,
      transaction_items: v.lineItems,
      campaigns: v.campaigns,
      campaign_performance: v.campaignPerformance,
      ab_tests: v.abTests,
      ab_test_exposures: this.exposures.length,
      ab_test_results: v.abTests * 2,
      sessions: v.sessions,
      page_views: v.pageViews,
      events: v.interactions,
      product_interactions: v.productInteractions,
      search_queries: v.searches,
    };
    this.totalEvents =
      v.customers +
      customerUpdates +
      v.transactions +
      v.campaigns +
      v.campaignPerformance +
      v.abTests * 3 +
      this.exposures.length +
      v.sessions +
      v.pageViews +
      v.interactions +
      v.productInteractions +
      v.searches;
  }

  /** Every event the dataset publishes (entity updates included). */
  readonly totalEvents: number;

  private product(random: Random): Product {
    return this.products.sample(random);
  }

  private planCustomers(): void {
    const random = this.random.fork('customers');
    const faker = this.faker;
    const registeredUntil = this.to - 7 * DAY_MS;
    for (let i = 0; i < this.volumes.customers; i++) {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const registeredAt = seasonalTime(random, this.from, registeredUntil);
      const age = Math.round(Math.min(85, Math.max(18, random.normal(38, 12))));
      const dob = new Date(registeredAt - age * 365.25 * DAY_MS - random.int(0, 364) * DAY_MS);
      const ageGroup =
        AGE_GROUPS[Math.min(AGE_GROUPS.length - 1, Math.max(0, Math.floor((age - 15) / 10)))] ??
        '25-34';
      const id = `CUST_${pad(i + 1, 6)}`;
      const payload: CustomerPayload = {
        customer_id: id,
        // Unique by construction: the number makes every address distinct.
        email:
          `${first}.${last}.${i + 1}@${random.pick(['example.com', 'example.org', 'example.net', 'mail.example'])}`
            .toLowerCase()
            .replace(/[^a-z0-9.@-]/g, ''),
        first_name: first,
        last_name: last,
        phone: random.chance(0.8) ? faker.phone.number({ style: 'international' }) : null,
        date_of_birth: random.chance(0.9) ? isoDate(dob.getTime()) : null,
        gender: random.weighted([
          ['female', 0.49],
          ['male', 0.47],
          ['non_binary', 0.01],
          ['undisclosed', 0.03],
        ]),
        country: random.weighted([
          ['DE', 0.3],
          ['FR', 0.18],
          ['GB', 0.17],
          ['NL', 0.08],
          ['ES', 0.1],
          ['IT', 0.1],
          ['US', 0.07],
        ]),
        city: faker.location.city(),
        postal_code: random.chance(0.95) ? faker.location.zipCode() : null,
        registration_date: new Date(registeredAt).toISOString(),
        acquisition_channel: random.pick(ACQUISITION_CHANNELS),
        customer_status: 'active',
        is_email_subscribed: random.chance(0.6),
        demographics: {
          age_group: ageGroup,
          income_bracket: random.pick(INCOME_BRACKETS),
          education_level: random.pick(EDUCATION_LEVELS),
          occupation: faker.person.jobTitle().slice(0, 100),
          marital_status: random.pick(MARITAL_STATUSES),
          household_size: random.weighted([
            [1, 0.3],
            [2, 0.33],
            [3, 0.16],
            [4, 0.14],
            [5, 0.07],
          ]),
        },
      };
      // Heavy-tailed activity: a few customers place most orders and visit most often.
      const customer = { index: i, payload, registeredAt, propensity: random.lognormal(0, 1.1) };
      this.customers.push(customer);
      this.entityEvents.push([
        registeredAt,
        createEvent('customer.created', payload, new Date(registeredAt), random.uuid()),
      ]);
    }
  }

  private planCustomerUpdates(): number {
    const random = this.random.fork('customer-updates');
    let updates = 0;
    for (const customer of this.customers) {
      if (!random.chance(UPDATED_CUSTOMER_SHARE)) continue;
      const at = Math.floor(random.uniform(customer.registeredAt + DAY_MS, this.to));
      if (at >= this.to) continue;
      const payload: CustomerPayload = {
        ...customer.payload,
        customer_status: random.weighted([
          ['inactive', 0.5],
          ['churned', 0.3],
          ['active', 0.2],
        ]),
        is_email_subscribed: !customer.payload.is_email_subscribed,
      };
      this.entityEvents.push([
        at,
        createEvent('customer.updated', payload, new Date(at), random.uuid()),
      ]);
      updates++;
    }
    return updates;
  }

  private planCampaigns(): void {
    const random = this.random.fork('campaigns');
    const v = this.volumes;
    const durations = allocate(
      v.campaignPerformance,
      Array.from({ length: v.campaigns }, () => random.uniform(0.3, 1.7)),
      random,
      { minimum: 1, maximum: 60 },
    );
    durations.forEach((days, i) => {
      const channel = random.weighted([
        ['email', 0.3],
        ['social', 0.25],
        ['search', 0.2],
        ['display', 0.1],
        ['affiliate', 0.1],
        ['video', 0.05],
      ] as const);
      const start = startOfDay(
        seasonalTime(random, this.from + 7 * DAY_MS, this.to - days * DAY_MS),
      );
      const budget = cents(Math.max(500, random.lognormal(Math.log(8000), 0.7)));
      const campaign: Campaign = { id: `CAMP_${pad(i + 1, 4)}`, channel, start, days, budget };
      this.campaigns.push(campaign);
      const end = start + (days - 1) * DAY_MS;
      const created = start - 3 * DAY_MS;
      const campaignType = random.pick(CAMPAIGN_TYPES);
      const segment = random.chance(0.4) ? random.pick(CAMPAIGN_SEGMENTS) : null;
      this.entityEvents.push([
        created,
        createEvent(
          'campaign.upserted',
          {
            campaign_id: campaign.id,
            campaign_name:
              `${this.faker.commerce.productAdjective()} ${this.faker.commerce.department()} ${channel}`.slice(
                0,
                200,
              ),
            channel,
            campaign_type: campaignType,
            start_date: isoDate(start),
            end_date: isoDate(end),
            budget,
            target_segment: segment,
            status: end + DAY_MS <= this.to ? 'completed' : 'active',
          },
          new Date(created),
          random.uuid(),
        ),
      ]);
      const ctr = {
        email: 0.035,
        social: 0.012,
        search: 0.045,
        display: 0.004,
        affiliate: 0.02,
        video: 0.008,
      }[channel];
      // Revenue follows the channel's saturating response to the day's spend (CHANNEL_RESPONSE),
      // so a fitted response curve and the outcome model can be checked against the truth.
      const quality = random.lognormal(0, CAMPAIGN_QUALITY_SIGMA);
      const { median, sigma } = CONVERSION_VALUE;
      const meanValue = median * Math.exp((sigma * sigma) / 2);
      for (let d = 0; d < days; d++) {
        const day = start + d * DAY_MS;
        const spend = cents((budget / days) * random.uniform(0.7, 1.3));
        const impressions = Math.max(100, Math.round((spend / random.uniform(2, 12)) * 1000));
        const clicks = random.binomial(impressions, ctr);
        const expected = expectedCampaignRevenue(channel, spend, segment, campaignType) * quality;
        const conversions = Math.min(clicks, random.poisson(expected / meanValue));
        let value = 0;
        for (let k = 0; k < conversions; k++) value += random.lognormal(Math.log(median), sigma);
        const revenue = cents(value);
        const reported = Math.min(this.to - 1, day + DAY_MS + 3 * 3_600_000);
        this.entityEvents.push([
          reported,
          createEvent(
            'campaign.performance.recorded',
            {
              campaign_id: campaign.id,
              performance_date: isoDate(day),
              impressions,
              clicks,
              conversions,
              spend,
              revenue,
            },
            new Date(reported),
            random.uuid(),
          ),
        ]);
      }
    });
  }

  private planAbTests(): void {
    const random = this.random.fork('ab-tests');
    for (let i = 0; i < this.volumes.abTests; i++) {
      const linked = random.chance(0.7) ? random.pick(this.campaigns) : null;
      // A test runs with its campaign (created 3 days before it starts), inside the period.
      const campaign = linked && linked.start + 3 * DAY_MS < this.to ? linked : null;
      const wanted = random.int(7, 28);
      const start = campaign
        ? campaign.start
        : startOfDay(seasonalTime(random, this.from + 7 * DAY_MS, this.to - (wanted + 2) * DAY_MS));
      const days = Math.max(1, Math.min(wanted, Math.floor((this.to - start) / DAY_MS) - 2));
      const end = start + (days - 1) * DAY_MS;
      // Half the tests have no real effect: significance testing must not find one there.
      const lift = random.chance(0.5) ? 0 : Math.round(random.uniform(0.05, 0.3) * 1e5) / 1e5;
      const split = random.pick([0.5, 0.5, 0.5, 0.3, 0.4]);
      const id = `TEST_${pad(i + 1, 4)}`;
      const metric = 'conversion_rate' as const;
      this.entityEvents.push([
        start,
        createEvent(
          'ab_test.upserted',
          {
            test_id: id,
            test_name:
              `${this.faker.commerce.productAdjective()} ${this.faker.word.noun()} test`.slice(
                0,
                200,
              ),
            campaign_id: campaign?.id ?? null,
            hypothesis: `Variant B raises ${metric.replace('_', ' ')} by changing the ${this.faker.word.noun()}`,
            metric,
            start_date: isoDate(start),
            end_date: isoDate(end),
            status: 'completed',
            traffic_split: split,
            true_lift: lift,
          },
          new Date(start),
          random.uuid(),
        ),
      ]);
      const test = this.tests.push({ id, from: start, until: end + DAY_MS, split, lift }) - 1;
      // After the window (every order it counts comes before): what its exposures and their
      // orders give, summed while the events are emitted.
      const reported = Math.min(this.to - 1, end + DAY_MS + 4 * 3_600_000);
      for (const variant of VARIANTS) {
        const eventId = random.uuid();
        this.entityEvents.push([
          reported,
          (tally) =>
            createEvent(
              'ab_test.result.recorded',
              {
                test_id: id,
                variant,
                ...tally.result(test, variant),
                period_start: isoDate(start),
                period_end: isoDate(end),
              },
              new Date(reported),
              eventId,
            ),
        ]);
      }
    }
  }

  /**
   * Who each A/B test exposes (the customers who visit the site during it, at their first
   * visit), and its lift, planted in the treatment customers' orders and sessions.
   */
  private planExposures(): void {
    const sessions = this.sessions;
    const visits: Visit[] = sessions.map((s) => ({
      customer: s.customer?.index ?? -1,
      start: s.start,
      converting: s.order !== null,
    }));
    const ids = this.customers.map((c) => c.payload.customer_id);
    const exposures = findExposures(this.tests, visits, ids);
    const slot = plantLift(
      this.tests,
      visits,
      exposures,
      this.storeOrderTimes,
      this.random.fork('exposures'),
    );
    const exposedAt = new Map<number, Exposure[]>();
    for (const e of exposures) {
      const list = exposedAt.get(e.visit);
      if (list) list.push(e);
      else exposedAt.set(e.visit, [e]);
    }
    this.sessions = sessions.map((plan, v) => {
      const taken = slot[v] ?? v;
      const time = sessions[taken] ?? plan;
      return {
        ...plan,
        start: time.start,
        campaign: time.campaign,
        trafficSource: time.trafficSource,
        exposures: exposedAt.get(taken) ?? NO_EXPOSURES,
      };
    });
    this.sessions.sort((a, b) => a.start - b.start);
    this.exposures = exposures;
    this.exposuresByCustomer = ExperimentTally.index(exposures, ids);
  }

  /**
   * Decides who orders what and when, which sessions convert into which orders, and how many
   * page views, actions, product interactions and searches each session has, each total exact.
   */
  private planOrdersAndSessions(): void {
    const random = this.random.fork('orders-sessions');
    const v = this.volumes;
    const propensity = this.customers.map((c) => c.propensity);
    const ordersPerCustomer = allocate(v.transactions, propensity, random);
    const onlinePerCustomer = ordersPerCustomer.map((n) => random.binomial(n, ONLINE_ORDER_SHARE));
    const online = onlinePerCustomer.reduce((a, b) => a + b, 0);
    const knownSessions = Math.max(online, Math.round(v.sessions * (1 - ANONYMOUS_SESSION_SHARE)));
    if (knownSessions > v.sessions)
      throw new Error(`scale too small: ${online} online orders need as many sessions`);
    const sessionsPerCustomer = allocate(knownSessions, propensity, random, {
      minimum: onlinePerCustomer,
    });
    const itemsPerOrder = allocate(
      v.lineItems,
      Array.from({ length: v.transactions }, () => random.lognormal(0, 0.5)),
      random,
      { minimum: 1, maximum: 20 },
    );

    // Orders, numbered in customer order; online ones attach to converting sessions below.
    let orderIndex = 0;
    const ordersOnline: OrderPlan[][] = [];
    const ordersInStore: OrderPlan[] = [];
    this.customers.forEach((customer, i) => {
      const mine: OrderPlan[] = [];
      for (let k = 0; k < (ordersPerCustomer[i] ?? 0); k++) {
        const order = {
          id: `TXN_${pad(orderIndex + 1, 8)}`,
          customer,
          items: itemsPerOrder[orderIndex] ?? 1,
        };
        orderIndex++;
        if (k < (onlinePerCustomer[i] ?? 0)) mine.push(order);
        else ordersInStore.push(order);
      }
      ordersOnline.push(mine);
    });

    // Sessions: the known customers' (some converting), then anonymous ones.
    const drafts: { customer: Customer | null; order: OrderPlan | null }[] = [];
    this.customers.forEach((customer, i) => {
      const orders = ordersOnline[i] ?? [];
      for (let k = 0; k < (sessionsPerCustomer[i] ?? 0); k++)
        drafts.push({ customer, order: orders[k] ?? null });
    });
    while (drafts.length < v.sessions) drafts.push({ customer: null, order: null });

    const bounces = drafts.map((d) => d.order === null && random.chance(BOUNCE_RATE));
    const minPages = drafts.map((d, i) => (bounces[i] ? 1 : d.order ? d.order.items + 3 : 2));
    const maxPages = 200;
    // Bounces keep their single page: they get no share of the rest.
    const pageWeights = drafts.map((_, i) => (bounces[i] ? 0 : random.lognormal(0, 0.6)));
    const pages = allocate(v.pageViews, pageWeights, random, {
      minimum: minPages,
      maximum: maxPages,
    });
    const minActions = drafts.map((d) => (d.order ? d.order.items + 2 : 0));
    const actions = allocate(
      v.interactions,
      pages.map((p, i) => (bounces[i] ? 0 : p)),
      random,
      { minimum: minActions },
    );
    const productActs = allocate(
      v.productInteractions,
      pages.map((p, i) => (bounces[i] ? 0 : p)),
      random,
    );
    const searches = allocate(
      v.searches,
      pages.map((p, i) => (bounces[i] ? 0.2 : p)),
      random,
    );

    // Campaigns drive traffic in proportion to their budget.
    const campaignTable = new WeightedTable(this.campaigns.map((c) => [c, c.budget] as const));
    drafts.forEach((draft, i) => {
      const registered = draft.customer?.registeredAt ?? this.from;
      const latest = this.to - 6 * 3_600_000;
      let campaign: Campaign | null = null;
      let start: number;
      if (random.chance(CAMPAIGN_DRIVEN_SHARE)) {
        const candidate = campaignTable.sample(random);
        const lo = Math.max(candidate.start, registered);
        const hi = Math.min(candidate.start + candidate.days * DAY_MS, latest);
        if (lo < hi) campaign = candidate;
        start = campaign
          ? Math.floor(random.uniform(lo, hi))
          : seasonalTime(random, registered, latest);
      } else {
        start = seasonalTime(random, registered, latest);
      }
      this.sessions.push({
        id: `SESS_${pad(i + 1, 10)}`,
        customer: draft.customer,
        start: Math.max(start, registered + 60_000),
        pageViews: pages[i] ?? 1,
        interactions: actions[i] ?? 0,
        productInteractions: productActs[i] ?? 0,
        searches: searches[i] ?? 0,
        order: draft.order,
        campaign,
        trafficSource: campaign
          ? CAMPAIGN_SOURCE[campaign.channel]
          : random.weighted(ORGANIC_SOURCES),
        exposures: NO_EXPOSURES,
      });
    });
    this.sessions.sort((a, b) => a.start - b.start);

    for (const order of ordersInStore) {
      const at = seasonalTime(random, order.customer.registeredAt + 60_000, this.to - 60_000);
      (this.storeOrderTimes[order.customer.index] ??= []).push(at);
      this.entityEvents.push([at, this.orderEvent(order, at, 'store', null, random)]);
    }
  }

  private orderEvent(
    order: OrderPlan,
    at: number,
    channel: TransactionPayload['channel'],
    sessionId: string | null,
    random: Random,
  ): AmatoEvent {
    const items: LineItem[] = Array.from({ length: order.items }, (_, k) => {
      const product = this.product(random);
      const quantity = QUANTITIES.sample(random);
      const gross = Math.round(product.price * 100) * quantity;
      const discount = random.chance(0.15)
        ? Math.round(gross * random.pick([0.05, 0.1, 0.15, 0.2]))
        : 0;
      return {
        line_number: k + 1,
        product_id: product.id,
        product_name: product.name,
        category: product.category,
        quantity,
        unit_price: product.price,
        discount_amount: discount / 100,
        line_total: (gross - discount) / 100,
      };
    });
    const total = items.reduce((sum, item) => sum + Math.round(item.line_total * 100), 0) / 100;
    return createEvent(
      'transaction.created',
      {
        transaction_id: order.id,
        customer_id: order.customer.payload.customer_id,
        total_amount: total,
        currency: 'EUR',
        payment_method: PAYMENT_METHOD_TABLE.sample(random),
        order_status: ORDER_STATUS_TABLE.sample(random),
        channel,
        session_id: sessionId,
        items,
      },
      new Date(at),
      random.uuid(),
    );
  }

  /** One session's events: page views, actions, product interactions, searches, the order, the summary. */
  private *sessionEvents(plan: SessionPlan, random: Random): Generator<[number, AmatoEvent]> {
    const customerId = plan.customer?.payload.customer_id ?? null;
    const device = DEVICES.sample(random);
    const [browser, os] = CLIENTS[device].sample(random);
    const ordered = plan.order
      ? Array.from({ length: plan.order.items }, () => this.product(random))
      : [];
    // The page path: a landing page, browsing, and for a converting session the products bought,
    // the cart, the checkout and the confirmation, in that order.
    type Page = { type: PageViewPayload['page_type']; product: Product | null };
    const pages: Page[] = [];
    const browse = plan.pageViews - (plan.order ? ordered.length + 3 : 0);
    for (let k = 0; k < browse; k++) {
      const type = k === 0 ? LANDING_PAGES.sample(random) : NEXT_PAGES.sample(random);
      pages.push({ type, product: type === 'product' ? this.product(random) : null });
    }
    for (const product of ordered) pages.push({ type: 'product', product });
    if (plan.order)
      pages.push(
        { type: 'cart', product: null },
        { type: 'checkout', product: null },
        { type: 'confirmation', product: null },
      );

    const url = (page: Page): string => {
      switch (page.type) {
        case 'home':
          return '/';
        case 'product':
          return `/p/${page.product?.id ?? 'PROD_00001'}`;
        case 'category':
          return `/c/${random.pick(this.catalog).category}`;
        case 'search':
          return '/search';
        case 'cart':
          return '/cart';
        case 'checkout':
          return '/checkout';
        case 'confirmation':
          return '/checkout/confirmation';
        case 'account':
          return '/account';
        default:
          return `/content/${random.pick(['shipping', 'returns', 'about', 'faq'])}`;
      }
    };
    const referrer = {
      direct: null,
      organic_search: 'https://www.google.com/',
      paid_search: 'https://www.google.com/',
      social: 'https://www.instagram.com/',
      email: null,
      referral: 'https://blog.example/',
      display: 'https://ads.example/',
      affiliate: 'https://deals.example/',
    }[plan.trafficSource];

    for (const exposure of plan.exposures) {
      yield [
        plan.start,
        createEvent(
          'ab_test.exposure.recorded',
          {
            test_id: this.tests[exposure.test]?.id ?? '',
            customer_id: customerId ?? '',
            variant: exposure.variant,
            exposed_at: new Date(plan.start).toISOString(),
          },
          new Date(plan.start),
          random.uuid(),
        ),
      ];
    }

    let t = plan.start;
    const pageTimes: number[] = [];
    const urls: string[] = [];
    for (let k = 0; k < pages.length; k++) {
      const page = pages[k] as Page;
      const seconds =
        pages.length === 1
          ? random.int(3, 60)
          : Math.min(1800, Math.max(2, Math.round(random.lognormal(3.2, 0.8))));
      pageTimes.push(t);
      const pageUrl = url(page);
      urls.push(pageUrl);
      yield [
        t,
        createEvent(
          'page.viewed',
          {
            session_id: plan.id,
            customer_id: customerId,
            page_url: pageUrl,
            page_type: page.type,
            referrer: k === 0 ? referrer : (urls[k - 1] ?? null),
            time_on_page_seconds: seconds,
            scroll_depth: Math.round(random.uniform(0.1, 1) * 100) / 100,
            product_id: page.product?.id ?? null,
            category: page.product?.category ?? null,
            sequence_number: k + 1,
          },
          new Date(t),
          random.uuid(),
        ),
      ];
      t += seconds * 1000;
    }
    const end = t;
    const within = (): number => Math.floor(random.uniform(plan.start, end));

    // Actions: the order's own (add each item, start checkout, purchase) at their pages, then the rest.
    let actionsLeft = plan.interactions;
    const action = (
      at: number,
      payload: Omit<InteractionPayload, 'session_id' | 'customer_id'>,
    ): [number, AmatoEvent] => {
      actionsLeft--;
      return [
        at,
        createEvent(
          'interaction.occurred',
          { session_id: plan.id, customer_id: customerId, ...payload },
          new Date(at),
          random.uuid(),
        ),
      ];
    };
    if (plan.order) {
      const firstOrdered = browse;
      for (let k = 0; k < ordered.length; k++) {
        const product = ordered[k] as Product;
        yield action((pageTimes[firstOrdered + k] ?? plan.start) + 5_000, {
          interaction_type: 'add_to_cart',
          product_id: product.id,
          value: product.price,
          quantity: 1,
          transaction_id: null,
        });
      }
      const checkoutAt = (pageTimes[pages.length - 2] ?? end) + 1_000;
      yield action(checkoutAt, {
        interaction_type: 'checkout_start',
        product_id: null,
        value: null,
        quantity: null,
        transaction_id: null,
      });
      const purchaseAt = (pageTimes[pages.length - 1] ?? end) + 500;
      const orderEvent = this.orderEvent(
        plan.order,
        purchaseAt,
        random.chance(0.6) ? 'web' : 'mobile_app',
        plan.id,
        random,
      );
      const total =
        orderEvent.event_type === 'transaction.created' ? orderEvent.payload.total_amount : 0;
      yield action(purchaseAt, {
        interaction_type: 'purchase',
        product_id: null,
        value: total,
        quantity: plan.order.items,
        transaction_id: plan.order.id,
      });
      yield [purchaseAt, orderEvent];
    }
    while (actionsLeft > 0) {
      const type = (customerId ? KNOWN_ACTIONS : ANONYMOUS_ACTIONS).sample(random);
      const product =
        type === 'add_to_cart' || type === 'remove_from_cart' || type === 'wishlist_add'
          ? this.product(random)
          : null;
      yield action(within(), {
        interaction_type: type,
        product_id: product?.id ?? null,
        value: product?.price ?? null,
        quantity: product ? 1 : null,
        transaction_id: null,
      });
    }

    const viewed = pages.filter((p) => p.product !== null).map((p) => p.product as Product);
    for (let k = 0; k < plan.productInteractions; k++) {
      const product = viewed.length > 0 ? random.pick(viewed) : this.product(random);
      const at = within();
      yield [
        at,
        createEvent(
          'product.interacted',
          {
            session_id: plan.id,
            customer_id: customerId,
            product_id: product.id,
            category: product.category,
            interaction_type: PRODUCT_ACTIONS.sample(random),
            duration_seconds: Math.min(1800, Math.round(random.lognormal(2.5, 0.7))),
            price: product.price,
          },
          new Date(at),
          random.uuid(),
        ),
      ];
    }

    for (let k = 0; k < plan.searches; k++) {
      const product = this.product(random);
      const results = random.chance(0.08) ? 0 : random.int(1, 120);
      const clicked =
        results > 0 && random.chance(0.6) ? random.int(1, Math.min(results, 10)) : null;
      const at = within();
      yield [
        at,
        createEvent(
          'search.performed',
          {
            session_id: plan.id,
            customer_id: customerId,
            query: random.chance(0.5)
              ? product.name.toLowerCase().split(' ').slice(-2).join(' ')
              : product.category,
            results_count: results,
            clicked_result_position: clicked,
            category_filter: random.chance(0.3) ? product.category : null,
            converted: plan.order !== null && clicked !== null,
          },
          new Date(at),
          random.uuid(),
        ),
      ];
    }

    const endIso = new Date(end).toISOString();
    yield [
      end,
      createEvent(
        'session.ended',
        {
          session_id: plan.id,
          customer_id: customerId,
          start_time: new Date(plan.start).toISOString(),
          end_time: endIso,
          duration_seconds: Math.round((end - plan.start) / 1000),
          page_views: pages.length,
          device_type: device,
          browser,
          os,
          traffic_source: plan.trafficSource,
          campaign_id: plan.campaign?.id ?? null,
          landing_page: urls[0] ?? '/',
          exit_page: urls[urls.length - 1] ?? '/',
          is_bounce: pages.length === 1,
          converted: plan.order !== null,
        },
        new Date(end),
        random.uuid(),
      ),
    ];
  }

  /**
   * Live traffic after the data set, without end: a new session every `gapMs` from `from`, of
   * one of its customers (by their propensity) or of an anonymous visitor, each with its page
   * views, actions, product interactions and searches, and for some an order. The ids are new
   * (`SESS_L…`, and `TXN_` with the start's epoch seconds), so the stream counts every event.
   * Yields [event time, event] in time order; what the main job trickles so the dashboard moves.
   */
  *liveSessions(from: Date, { seed = 1, gapMs = 1000 } = {}): Generator<[number, AmatoEvent]> {
    if (!(gapMs > 0)) throw new RangeError(`gapMs must be above 0, got ${gapMs}`);
    const random = new Random(seed).fork(`live-${from.getTime()}`);
    const customers = new WeightedTable(this.customers.map((c) => [c, c.propensity] as const));
    const stamp = Math.floor(from.getTime() / 1000);
    const tag = from.getTime().toString(36);
    const pending = new TimeHeap<AmatoEvent>();
    for (let k = 0; ; k++) {
      const start = from.getTime() + k * gapMs;
      while (pending.peekTime() < start) {
        const time = pending.peekTime();
        const event = pending.pop();
        if (event) yield [time, event];
      }
      const customer = random.chance(ANONYMOUS_SESSION_SHARE) ? null : customers.sample(random);
      const bounce = random.chance(BOUNCE_RATE);
      const items = customer && !bounce && random.chance(0.12) ? random.int(1, 3) : 0;
      const pages = bounce ? 1 : Math.max(items + 3, random.int(2, 18));
      const plan: SessionPlan = {
        id: `SESS_L${tag}${pad(k, 7)}`,
        customer,
        start,
        pageViews: pages,
        interactions: bounce ? 0 : items + 2 + random.int(0, pages),
        productInteractions: bounce ? 0 : random.int(0, Math.ceil(pages / 2)),
        searches: random.chance(0.3) ? random.int(1, 2) : 0,
        order: customer && items > 0 ? { id: `TXN_${stamp}${pad(k, 7)}`, customer, items } : null,
        campaign: null,
        trafficSource: random.weighted(ORGANIC_SOURCES),
        exposures: NO_EXPOSURES,
      };
      for (const [time, event] of this.sessionEvents(plan, random)) pending.push(time, event);
    }
  }

  /**
   * Every event in event-time order. Sessions are expanded one at a time in start order; their
   * events wait in a heap until no session yet to start can precede them.
   */
  *events(): Generator<AmatoEvent> {
    const random = new Random(this.clickstreamSeed);
    const pending = new TimeHeap<AmatoEvent>();
    const entities = this.entityEvents;
    const tally = new ExperimentTally(this.tests, this.exposures, this.exposuresByCustomer);
    let e = 0;
    const drainUntil = function* (limit: number): Generator<AmatoEvent> {
      for (;;) {
        const entityTime = entities[e]?.[0] ?? Number.POSITIVE_INFINITY;
        const next = Math.min(pending.peekTime(), entityTime);
        if (next >= limit || next === Number.POSITIVE_INFINITY) return;
        // At equal times the planned event first: parents (a customer, a test) are planned ones.
        const entry = entityTime <= pending.peekTime() ? entities[e++] : undefined;
        const event = entry
          ? typeof entry[1] === 'function'
            ? entry[1](tally)
            : entry[1]
          : pending.pop();
        if (!event) continue;
        if (event.event_type === 'transaction.created')
          tally.record(event.payload, Date.parse(event.event_time));
        yield event;
      }
    };
    for (const plan of this.sessions) {
      yield* drainUntil(plan.start);
      for (const [time, event] of this.sessionEvents(plan, random)) pending.push(time, event);
    }
    yield* drainUntil(Number.POSITIVE_INFINITY);
  }
}
