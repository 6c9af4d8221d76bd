import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

/** Colours of the series, in order: distinct, and readable on white. */
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
  '#65a30d',
  '#7c3aed',
  '#0d9488',
];

export const colour = (i: number): string => PALETTE[i % PALETTE.length] ?? '#2563eb';

/** A chart drawn once on a canvas, redrawn with new data by `set`. */
export class LiveChart<T extends ChartType> {
  private readonly chart: Chart<T>;

  constructor(canvas: HTMLCanvasElement, config: ChartConfiguration<T>) {
    this.chart = new Chart(canvas, config);
  }

  set(labels: readonly string[], datasets: ChartConfiguration<T>['data']['datasets']): void {
    this.chart.data.labels = [...labels];
    this.chart.data.datasets = datasets;
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }
}
