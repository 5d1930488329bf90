// Types only: the dashboard's code reads the Link (link-view.ts) and must not pull in Node's modules.

/** One condition's accepted values: any of them. */
export type Accepted = readonly string[];

/** Conditions on a visit; all of a rule's must hold. */
export interface RuleConditions {
  readonly device?: Accepted | undefined;
  readonly os?: Accepted | undefined;
  readonly browser?: Accepted | undefined;
  readonly country?: Accepted | undefined;
  readonly language?: Accepted | undefined;
  /** Addresses and CIDRs. */
  readonly ip?: Accepted | undefined;
  /** Query parameters and the values each may have. */
  readonly query?: Readonly<Record<string, Accepted>> | undefined;
  /** Epoch ms: the rule holds from then on / until then. */
  readonly after?: number | undefined;
  readonly before?: number | undefined;
}

export interface TargetRule {
  readonly when: RuleConditions;
  readonly url: string;
}

export interface Variant {
  readonly url: string;
  readonly weight: number;
}
