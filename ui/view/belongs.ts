import type { SharedClick } from '../api.js';
import { clickPasses } from './filters.js';
import { endsNow, type View } from './view-state.js';

/** Whether a live click belongs in the view: its bots setting, its range, its filters. */
export function belongs(view: View, stats: { from: string; to: string; filters: Record<string, string[]> }, click: SharedClick): boolean {
  if (view.bots === 'exclude' && click.bot) return false;
  if (view.bots === 'only' && !click.bot) return false;
  const at = Date.parse(click.at);
  if (at < Date.parse(stats.from) || (!endsNow(view) && at >= Date.parse(stats.to))) return false;
  return clickPasses(stats.filters, click);
}
