/**
 * Time axis ticks that never collide or clip: the finest local-time step whose widest label still
 * fits between ticks, labels in the viewer's locale (seconds as `12:33:30`, 12- or 24-hour as the
 * locale writes it), a date instead of the clock where the day changes, and no label that would
 * stick out of the chart.
 */
import type { TimeFormats } from "../lib/time.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Steps in ms; negative numbers are months (-1 = one month). */
const STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, -1, -3, -6, -12];

export interface TimeAxisInput {
  readonly min: number;
  readonly max: number;
  /** Width of the plot area, CSS px. */
  readonly width: number;
  /** Room left of and right of the plot area a label may use (the y axis, the padding). */
  readonly leftRoom: number;
  readonly rightRoom: number;
  readonly measure: (label: string) => number;
  readonly formats: TimeFormats;
  /** Free space between two labels, px. */
  readonly gap?: number;
}

export interface TimeTicks {
  readonly values: number[];
  readonly labels: string[];
  readonly step: number;
}

function offsetMs(t: number): number {
  return -new Date(t).getTimezoneOffset() * M;
}

/** Tick times in [min, max] for one step, aligned to the local clock (days at local midnight). */
export function tickTimes(min: number, max: number, step: number, limit = 500): number[] {
  const out: number[] = [];
  if (step > 0 && step < D) {
    const off = offsetMs(min);
    for (let t = Math.ceil((min + off) / step) * step - off; t <= max && out.length < limit; t += step) {
      // keep the local-clock alignment across a DST change
      const adj = off - offsetMs(t);
      out.push(t + adj);
    }
    return out.filter((t) => t >= min && t <= max);
  }
  const d = new Date(min);
  d.setHours(0, 0, 0, 0);
  if (step < 0) {
    const months = -step;
    d.setDate(1);
    while (d.getTime() < min || d.getMonth() % months !== 0) d.setMonth(d.getMonth() + 1);
    for (; d.getTime() <= max && out.length < limit; d.setMonth(d.getMonth() + months)) out.push(d.getTime());
    return out;
  }
  const days = Math.round(step / D);
  if (d.getTime() < min) d.setDate(d.getDate() + 1);
  if (days === 7) while (d.getDay() !== 1) d.setDate(d.getDate() + 1);
  for (; d.getTime() <= max && out.length < limit; d.setDate(d.getDate() + days)) out.push(d.getTime());
  return out;
}

function dayKey(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** Labels for ticks of one step: the clock, or the date on the first tick of a new day. */
export function tickLabels(times: readonly number[], step: number, f: TimeFormats): string[] {
  if (step < 0) return times.map((t) => f.month(t));
  if (step >= D) return times.map((t) => f.day(t));
  const clock = step < M ? f.seconds : f.minutes;
  const midnight = (t: number): boolean => new Date(t).getHours() === 0 && new Date(t).getMinutes() === 0 && new Date(t).getSeconds() === 0;
  return times.map((t, i) => (midnight(t) || (i > 0 && dayKey(t) !== dayKey(times[i - 1]!)) ? f.day(t) : clock(t)));
}

function approxMs(step: number): number {
  return step > 0 ? step : -step * 30 * D;
}

export function timeTicks(input: TimeAxisInput): TimeTicks {
  const { min, max, width } = input;
  const gap = input.gap ?? 12;
  if (!(max > min) || !(width > 0)) return { values: [], labels: [], step: 0 };
  const pos = (t: number): number => ((t - min) / (max - min)) * width;
  for (const step of STEPS) {
    const pxPerStep = (approxMs(step) / (max - min)) * width;
    if (pxPerStep < 24) continue;
    const times = tickTimes(min, max, step);
    const labels = tickLabels(times, step, input.formats);
    const widths = labels.map(input.measure);
    const widest = Math.max(0, ...widths);
    // months and DST days are up to 10 % shorter than their nominal length
    const slack = step < 0 || step >= D ? 0.9 : 1;
    if (times.length > 1 && pxPerStep * slack < widest + gap) continue;
    const values: number[] = [];
    const kept: string[] = [];
    times.forEach((t, i) => {
      const half = widths[i]! / 2;
      if (pos(t) - half < -input.leftRoom || pos(t) + half > width + input.rightRoom) return;
      values.push(t);
      kept.push(labels[i]!);
    });
    return { values, labels: kept, step };
  }
  return { values: [], labels: [], step: 0 };
}
