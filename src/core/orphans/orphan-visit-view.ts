import { toVisitView, type VisitView } from '../clicks/click-view.js';
import type { OrphanType, OrphanVisit } from './orphan-visit.js';

/** The public shape of an orphan visit: a click's fields without a link or target, with its type and path. */
export interface OrphanVisitView extends VisitView {
  id: number;
  at: string;
  type: OrphanType;
  path: string;
}

export function toOrphanVisitView(visit: OrphanVisit): OrphanVisitView {
  return { id: visit.id, at: new Date(visit.at).toISOString(), type: visit.type, path: visit.path, ...toVisitView(visit) };
}
