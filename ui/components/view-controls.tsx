import { useState } from 'preact/hooks';
import { INTERVALS, intervalFits, intervalRefusal, type Interval } from '../view/intervals.js';
import { effectiveInterval, PRESETS, rangeSpan, type Bots, type Compare, type Preset, type View } from '../view/view-state.js';

const PRESET_NAMES = Object.keys(PRESETS) as Preset[];

/** Range, interval, bots and comparison of a report; every change becomes a new URL (see view-state). */
export function ViewControls({ view, onChange }: { view: View; onChange: (next: Partial<View>) => void }) {
  const [formOpen, setFormOpen] = useState(false);
  // Lit is what the figures show: the form may be open before a custom range is applied.
  const customOpen = formOpen || view.range === 'custom';
  const span = rangeSpan(view);
  const refused = INTERVALS.filter((i) => !intervalFits(span, i));
  const dropped = view.interval !== '' && effectiveInterval(view) === '';
  return (
    <div class="controls">
      <div role="group" aria-label="Range" class="segmented">
        {PRESET_NAMES.map((r) => (
          <button type="button" key={r} class={view.range === r ? 'chip active' : 'chip'} aria-pressed={view.range === r}
            onClick={() => { setFormOpen(false); onChange({ range: r, from: '', to: '' }); }}>{r}</button>
        ))}
        <button type="button" class={view.range === 'custom' ? 'chip active' : 'chip'} aria-pressed={view.range === 'custom'} onClick={() => setFormOpen(true)}>custom</button>
      </div>
      {customOpen && <CustomRange key={`${view.from}/${view.to}`} view={view} onApply={(from, to) => onChange({ range: 'custom', from, to })} />}
      <label class="inline">Interval <select value={effectiveInterval(view)} onChange={(e) => onChange({ interval: (e.target as HTMLSelectElement).value as Interval | '' })}>
        <option value="">auto</option>
        {INTERVALS.map((i) => <option key={i} value={i} disabled={refused.includes(i)} title={refused.includes(i) ? intervalRefusal(i) : undefined}>{i}</option>)}
      </select></label>
      <label class="inline">Bots <select value={view.bots} onChange={(e) => onChange({ bots: (e.target as HTMLSelectElement).value as Bots })}>
        <option value="include">included</option><option value="exclude">excluded</option><option value="only">only</option>
      </select></label>
      <label class="inline">Compare <select value={view.compare} onChange={(e) => onChange({ compare: (e.target as HTMLSelectElement).value as Compare })}>
        <option value="">off</option><option value="previous">previous period</option><option value="year">year before</option>
      </select></label>
      {(refused.length > 0 || dropped) && (
        <p class="hint" data-testid="interval-hint">
          {dropped && `The ${view.interval} interval does not fit this range, so it is chosen automatically. `}
          {refused.length > 0 && `Not offered here: ${refused.join(', ')} (a report has at most 1,000 points; shorten the range for finer ones).`}
        </p>
      )}
    </div>
  );
}

/** From and To are whole local days, both included; From after To is refused before anything is asked. */
function CustomRange({ view, onApply }: { view: View; onApply: (from: string, to: string) => void }) {
  const today = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  const [from, setFrom] = useState(view.from);
  const [to, setTo] = useState(view.to || today);
  const problem = !from || !to ? 'Choose both dates.' : from > to ? 'From must not be after To.' : '';
  return (
    <form class="custom-range" aria-label="Custom range" noValidate onSubmit={(e) => { e.preventDefault(); if (!problem) onApply(from, to); }}>
      <label class="inline">From <input type="date" name="from" value={from} max={to || undefined} aria-invalid={from > to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
      <label class="inline">To <input type="date" name="to" value={to} min={from || undefined} aria-invalid={from > to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
      <button type="submit" disabled={problem !== ''}>Apply</button>
      {problem && from && to && <span class="error" role="alert">{problem}</span>}
    </form>
  );
}
