/** The routes' paths and methods, to tell a wrong method (405, with Allow) from a wrong path (404). */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, method: string | readonly string[]): void {
    const source = url.split('/').map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }).join('/');
    const pattern = new RegExp(`^${source}$`);
    let route = this.routes.find((r) => r.pattern.source === pattern.source);
    if (route === undefined) this.routes.push(route = { pattern, methods: new Set() });
    for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m);
  }

  /** Every method some route takes on this path (empty: no route has the path). */
  methodsFor(url: string): string[] {
    const path = pathOf(url);
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}

export function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
