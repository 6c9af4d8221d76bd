import type { Api } from './api';

/** One page of the dashboard: built once, refreshed while it is shown. */
export interface View {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** How often it is refreshed while shown (null: only when shown). */
  readonly refreshMs: number | null;
  refresh(): Promise<void>;
  /** Called when another view is shown. */
  hide?(): void;
}

export type ViewFactory = (api: Api) => View;
