/** What tests and benchmarks read: `window.__loupe` (drawn data per panel, load counters). */
import type { DrawnInfo } from "../panels/types.js";

export interface LoupeDebug {
  /** Random per page load: unchanged means no reload happened. */
  readonly pageId: string;
  /** Completed data loads (initial, refresh, range change …). */
  loads: number;
  /** Time (performance.now()) the first chart was drawn. */
  firstDrawAt: number | null;
  range: { from: number; to: number } | null;
  panels: Record<string, DrawnInfo & { title: string; type: string }>;
  [extra: string]: unknown;
}

declare global {
  interface Window {
    __loupe?: LoupeDebug;
  }
}

export function debugState(): LoupeDebug {
  window.__loupe ??= { pageId: Math.random().toString(36).slice(2), loads: 0, firstDrawAt: null, range: null, panels: {} };
  return window.__loupe;
}
